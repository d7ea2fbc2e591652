package org.civicpress.ycrdt.utils;

import org.civicpress.ycrdt.InvalidUpdateException;
import org.civicpress.ycrdt.lib0.Decoder;
import org.civicpress.ycrdt.lib0.Limits;
import org.civicpress.ycrdt.structs.AbstractContent;
import org.civicpress.ycrdt.structs.Contents;

/**
 * updates.js LazyStructReader: walks the structs of an update one at a time (the generator of
 * Yjs as an explicit state machine). {@link #curr} is the current struct, null when done. After
 * the last struct the decoder is positioned at the delete set.
 */
public final class LazyStructReader {
    private final UpdateDecoder decoder;
    private final Decoder rest;
    private final boolean filterSkips;
    private long clientsLeft;
    private long structsLeft;
    private long client;
    private long clock;
    public LazyStruct curr;

    public LazyStructReader(UpdateDecoder decoder, boolean filterSkips) {
        this.decoder = decoder;
        this.rest = decoder.restDecoder();
        this.filterSkips = filterSkips;
        this.clientsLeft = rest.readVarUint();
        next();
    }

    /** Advances to the next struct (skipping Skips if asked) and returns it, or null. */
    public LazyStruct next() {
        do {
            curr = read();
        } while (filterSkips && curr != null && curr.kind == LazyStruct.SKIP);
        return curr;
    }

    private LazyStruct read() {
        while (structsLeft == 0) {
            if (clientsLeft == 0) {
                return null;
            }
            clientsLeft--;
            structsLeft = rest.readVarUint();
            client = decoder.readClient();
            clock = rest.readVarUint();
        }
        structsLeft--;
        int info = decoder.readInfo();
        LazyStruct s;
        if (info == 10) {
            s = LazyStruct.skip(client, clock, rest.readVarUint());
        } else if ((info & 0x1F) != 0) {
            boolean cantCopyParentInfo = (info & 0xC0) == 0;
            ID origin = (info & 0x80) != 0 ? decoder.readLeftID() : null;
            ID rightOrigin = (info & 0x40) != 0 ? decoder.readRightID() : null;
            Object parent = null;
            String parentSub = null;
            if (cantCopyParentInfo) {
                parent = decoder.readParentInfo() ? decoder.readString() : decoder.readLeftID();
                if ((info & 0x20) != 0) {
                    parentSub = decoder.readString();
                }
            }
            AbstractContent content = Contents.readItemContent(decoder, info);
            s = LazyStruct.item(client, clock, origin, rightOrigin, parent, parentSub, content);
        } else {
            s = LazyStruct.gc(client, clock, decoder.readLen());
        }
        if (s.length <= 0 || s.length > Limits.MAX_SAFE_INTEGER - clock) {
            throw new InvalidUpdateException("struct " + client + ":" + clock + " has invalid length " + s.length
                    + " (near byte " + rest.offset() + ")");
        }
        clock += s.length;
        return s;
    }
}
