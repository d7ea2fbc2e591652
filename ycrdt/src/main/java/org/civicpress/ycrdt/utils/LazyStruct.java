package org.civicpress.ycrdt.utils;

import org.civicpress.ycrdt.structs.AbstractContent;

/**
 * A struct as updates.js handles it without a document: a GC, a Skip or an Item whose parent is
 * still a root key (String) or an ID and whose left/right neighbours are unknown. Lighter than
 * {@link org.civicpress.ycrdt.structs.Item}, and never integrated.
 */
public final class LazyStruct {
    public static final byte GC = 0;
    public static final byte ITEM = 1;
    public static final byte SKIP = 10;

    public final byte kind;
    public final long client;
    public final long clock;
    /** Mutable for GC/Skip merging and trimming, as in Yjs. */
    public long length;

    public final ID origin;
    public final ID rightOrigin;
    /** String (root type key), ID (parent item) or null when origins make it implicit. */
    public final Object parent;

    public final String parentSub;
    public final AbstractContent content;

    private LazyStruct(
            byte kind,
            long client,
            long clock,
            long length,
            ID origin,
            ID rightOrigin,
            Object parent,
            String parentSub,
            AbstractContent content) {
        this.kind = kind;
        this.client = client;
        this.clock = clock;
        this.length = length;
        this.origin = origin;
        this.rightOrigin = rightOrigin;
        this.parent = parent;
        this.parentSub = parentSub;
        this.content = content;
    }

    public static LazyStruct gc(long client, long clock, long length) {
        return new LazyStruct(GC, client, clock, length, null, null, null, null, null);
    }

    public static LazyStruct skip(long client, long clock, long length) {
        return new LazyStruct(SKIP, client, clock, length, null, null, null, null, null);
    }

    public static LazyStruct item(
            long client,
            long clock,
            ID origin,
            ID rightOrigin,
            Object parent,
            String parentSub,
            AbstractContent content) {
        return new LazyStruct(
                ITEM, client, clock, content.getLength(), origin, rightOrigin, parent, parentSub, content);
    }

    public ID id() {
        return new ID(client, clock);
    }

    public long end() {
        return clock + length;
    }

    public boolean isSkip() {
        return kind == SKIP;
    }

    /** updates.js sliceStruct: the part of this struct from {@code diff} on. */
    public LazyStruct slice(long diff) {
        return switch (kind) {
            case GC -> gc(client, clock + diff, length - diff);
            case SKIP -> skip(client, clock + diff, length - diff);
            default -> item(
                    client,
                    clock + diff,
                    new ID(client, clock + diff - 1),
                    rightOrigin,
                    parent,
                    parentSub,
                    content.splice((int) diff));
        };
    }

    /** GC and Skip merge with a right neighbour of their kind; Items never do in updates.js. */
    public boolean mergeWith(LazyStruct right) {
        if (kind == ITEM || kind != right.kind) {
            return false;
        }
        length += right.length;
        return true;
    }

    /** Item.write / GC.write / Skip.write with the same bytes Yjs produces. */
    public void write(UpdateEncoder encoder, long offset) {
        switch (kind) {
            case GC -> {
                encoder.writeInfo(0);
                encoder.writeLen(length - offset);
            }
            case SKIP -> {
                encoder.writeInfo(10);
                encoder.restEncoder().writeVarUint(length - offset);
            }
            default -> writeItem(encoder, (int) offset);
        }
    }

    private void writeItem(UpdateEncoder encoder, int offset) {
        ID o = offset > 0 ? new ID(client, clock + offset - 1) : origin;
        int info = (content.getRef() & 0x1F)
                | (o == null ? 0 : 0x80)
                | (rightOrigin == null ? 0 : 0x40)
                | (parentSub == null ? 0 : 0x20);
        encoder.writeInfo(info);
        if (o != null) {
            encoder.writeLeftID(o);
        }
        if (rightOrigin != null) {
            encoder.writeRightID(rightOrigin);
        }
        if (o == null && rightOrigin == null) {
            if (parent instanceof String key) {
                encoder.writeParentInfo(true);
                encoder.writeString(key);
            } else if (parent instanceof ID pid) {
                encoder.writeParentInfo(false);
                encoder.writeLeftID(pid);
            } else {
                throw new IllegalStateException("item " + client + ":" + clock + " has neither origin nor parent");
            }
            if (parentSub != null) {
                encoder.writeString(parentSub);
            }
        }
        content.write(encoder, offset);
    }

    @Override
    public String toString() {
        String k = kind == GC ? "GC" : kind == SKIP ? "Skip" : "Item";
        return k + "(" + client + ":" + clock + ", len " + length + ")";
    }
}
