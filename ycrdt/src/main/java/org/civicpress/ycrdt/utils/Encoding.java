package org.civicpress.ycrdt.utils;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.civicpress.ycrdt.InvalidUpdateException;
import org.civicpress.ycrdt.lib0.Decoder;
import org.civicpress.ycrdt.lib0.Limits;
import org.civicpress.ycrdt.structs.AbstractContent;
import org.civicpress.ycrdt.structs.AbstractStruct;
import org.civicpress.ycrdt.structs.Contents;
import org.civicpress.ycrdt.structs.GC;
import org.civicpress.ycrdt.structs.Item;
import org.civicpress.ycrdt.structs.Skip;

/**
 * Reading and writing document updates (encoding.js). Applying an update first decodes and
 * validates all of it; only a fully valid update touches the document.
 */
public final class Encoding {
    private Encoding() {}

    /** Decoded structs of one client and the position of the next one to integrate. */
    static final class StructRefs {
        int i;
        List<AbstractStruct> refs;

        StructRefs(List<AbstractStruct> refs) {
            this.refs = refs;
        }
    }

    /** A whole decoded update: structs per client (in update order) and its delete set. */
    record DecodedUpdate(Map<Long, StructRefs> structs, DeleteSet ds) {}

    // ---------------------------------------------------------------------------------------------
    // writing

    private static void writeStructs(UpdateEncoder encoder, List<AbstractStruct> structs, long client, long clock) {
        // write first id
        clock = Math.max(clock, structs.get(0).id.clock()); // make sure the first id exists
        int startNewStructs = StructStore.findIndexSS(structs, clock);
        // write # encoded structs
        encoder.restEncoder().writeVarUint(structs.size() - startNewStructs);
        encoder.writeClient(client);
        encoder.restEncoder().writeVarUint(clock);
        AbstractStruct firstStruct = structs.get(startNewStructs);
        // write first struct with an offset
        firstStruct.write(encoder, (int) (clock - firstStruct.id.clock()));
        for (int i = startNewStructs + 1; i < structs.size(); i++) {
            structs.get(i).write(encoder, 0);
        }
    }

    /** Writes all structs of store that are not covered by the state vector sm. */
    public static void writeClientsStructs(UpdateEncoder encoder, StructStore store, Map<Long, Long> sm) {
        // we filter all valid sm entries into a sorted list: only write if new structs are available
        List<long[]> entries = new ArrayList<>();
        sm.forEach((client, clock) -> {
            if (store.getState(client) > clock) {
                entries.add(new long[] {client, clock});
            }
        });
        for (Map.Entry<Long, List<AbstractStruct>> e : store.clients.entrySet()) {
            if (!sm.containsKey(e.getKey())) {
                entries.add(new long[] {e.getKey(), 0});
            }
        }
        // write # states that were updated
        encoder.restEncoder().writeVarUint(entries.size());
        // write items with higher client ids first: this heavily improves the conflict algorithm
        entries.sort((a, b) -> Long.compare(b[0], a[0]));
        for (long[] e : entries) {
            writeStructs(encoder, store.clients.get(e[0]), e[0], e[1]);
        }
    }

    public static void writeStructsFromTransaction(UpdateEncoder encoder, Transaction transaction) {
        writeClientsStructs(encoder, transaction.doc.store, transaction.beforeState);
    }

    /** Full state (structs not in targetStateVector + the whole delete set). */
    public static void writeStateAsUpdate(UpdateEncoder encoder, Doc doc, Map<Long, Long> targetStateVector) {
        writeClientsStructs(encoder, doc.store, targetStateVector);
        DeleteSet.writeDeleteSet(encoder, createDeleteSetFromStructStore(doc.store));
    }

    /** Every deleted range in the store (DeleteSet.js createDeleteSetFromStructStore). */
    public static DeleteSet createDeleteSetFromStructStore(StructStore ss) {
        DeleteSet ds = new DeleteSet();
        ss.clients.forEach((client, structs) -> {
            List<DeleteItem> dsitems = new ArrayList<>();
            for (int i = 0; i < structs.size(); i++) {
                AbstractStruct struct = structs.get(i);
                if (struct.deleted()) {
                    long clock = struct.id.clock();
                    long len = struct.length;
                    while (i + 1 < structs.size() && structs.get(i + 1).deleted()) {
                        len += structs.get(++i).length;
                    }
                    dsitems.add(new DeleteItem(clock, len));
                }
            }
            if (!dsitems.isEmpty()) {
                ds.clients.put(client, dsitems);
            }
        });
        return ds;
    }

    /** encodeStateAsUpdateV2 with the given encoder; pending structs/deletes are included like Yjs. */
    public static byte[] encodeStateAsUpdate(Doc doc, byte[] encodedTargetStateVector, boolean v2) {
        Map<Long, Long> targetStateVector =
                encodedTargetStateVector == null ? Map.of() : decodeStateVector(encodedTargetStateVector);
        UpdateEncoder encoder = v2 ? new UpdateEncoderV2() : new UpdateEncoderV1();
        writeStateAsUpdate(encoder, doc, targetStateVector);
        List<byte[]> updates = new ArrayList<>(3);
        updates.add(encoder.toUint8Array());
        // also add the pending updates (if there are any)
        if (doc.store.pendingDs != null) {
            updates.add(doc.store.pendingDs);
        }
        if (doc.store.pendingStructs != null) {
            byte[] sv = encodedTargetStateVector == null ? new byte[] {0} : encodedTargetStateVector;
            updates.add(Updates.diffUpdateV2(doc.store.pendingStructs.update(), sv));
        }
        if (updates.size() > 1) {
            if (!v2) {
                List<byte[]> v1 = new ArrayList<>(updates.size());
                v1.add(updates.get(0));
                for (int i = 1; i < updates.size(); i++) {
                    v1.add(Updates.convertUpdateFormatV2ToV1(updates.get(i)));
                }
                return Updates.mergeUpdates(v1);
            }
            return Updates.mergeUpdatesV2(updates);
        }
        return updates.get(0);
    }

    // ---------------------------------------------------------------------------------------------
    // state vectors

    /** Reads a state vector (client -> clock). */
    public static Map<Long, Long> readStateVector(DSDecoder decoder) {
        Map<Long, Long> ss = new LinkedHashMap<>();
        Decoder d = decoder.restDecoder();
        long ssLength = d.readVarUint();
        for (long i = 0; i < ssLength; i++) {
            long client = d.readVarUint();
            long clock = d.readVarUint();
            ss.put(client, clock);
        }
        return ss;
    }

    public static Map<Long, Long> decodeStateVector(byte[] decodedState) {
        return readStateVector(new DSDecoderV1(new Decoder(decodedState)));
    }

    public static void writeStateVector(DSEncoder encoder, Map<Long, Long> sv) {
        encoder.restEncoder().writeVarUint(sv.size());
        List<Map.Entry<Long, Long>> entries = new ArrayList<>(sv.entrySet());
        entries.sort((a, b) -> Long.compare(b.getKey(), a.getKey()));
        for (Map.Entry<Long, Long> e : entries) {
            encoder.restEncoder().writeVarUint(e.getKey());
            encoder.restEncoder().writeVarUint(e.getValue());
        }
    }

    public static byte[] encodeStateVector(Map<Long, Long> sv) {
        DSEncoderV1 encoder = new DSEncoderV1();
        writeStateVector(encoder, sv);
        return encoder.toUint8Array();
    }

    public static byte[] encodeStateVector(Doc doc) {
        return encodeStateVector(doc.store.getStateVector());
    }

    public static byte[] encodeStateVectorV2(Doc doc) {
        DSEncoderV2 encoder = new DSEncoderV2();
        writeStateVector(encoder, doc.store.getStateVector());
        return encoder.toUint8Array();
    }

    // ---------------------------------------------------------------------------------------------
    // decoding + validation (no document access except reading the store)

    /**
     * Decodes the structs of an update (readClientsStructRefs) and checks everything that would make
     * integration fail. Parent type names stay Strings until integration (Yjs calls doc.get while
     * reading; we do it after validation so a bad update creates nothing).
     */
    static Map<Long, StructRefs> readClientsStructRefs(UpdateDecoder decoder, int updateSize) {
        Map<Long, StructRefs> clientRefs = new LinkedHashMap<>();
        Decoder rest = decoder.restDecoder();
        // V2 column encodings can repeat values without consuming bytes: bound the struct count
        long budget = Math.max(1024L, 32L * updateSize);
        long numOfStateUpdates = rest.readVarUint();
        for (long u = 0; u < numOfStateUpdates; u++) {
            long numberOfStructs = rest.readVarUint();
            budget -= numberOfStructs;
            if (budget < 0) {
                throw new InvalidUpdateException(
                        "update declares more structs than its size allows (at byte " + rest.offset() + ")");
            }
            long client = decoder.readClient();
            long clock = rest.readVarUint();
            List<AbstractStruct> refs = new ArrayList<>((int) Math.min(numberOfStructs, 16));
            clientRefs.put(client, new StructRefs(refs));
            for (long i = 0; i < numberOfStructs; i++) {
                int info = decoder.readInfo();
                AbstractStruct struct;
                switch (info & 0x1f) {
                    case GC.structGCRefNumber -> struct =
                            new GC(new ID(client, clock), checkLength(decoder.readLen(), client, clock));
                    case Skip.structSkipRefNumber -> struct =
                            new Skip(new ID(client, clock), checkLength(rest.readVarUint(), client, clock));
                    default -> struct = readItem(decoder, info, client, clock);
                }
                clock += struct.length;
                if (clock > Limits.MAX_SAFE_INTEGER) {
                    throw new InvalidUpdateException("clock of client " + client + " exceeds 2^53");
                }
                refs.add(struct);
            }
        }
        return clientRefs;
    }

    private static int checkLength(long len, long client, long clock) {
        if (len <= 0 || len > Integer.MAX_VALUE) {
            throw new InvalidUpdateException("struct " + client + ":" + clock + " has invalid length " + len);
        }
        return (int) len;
    }

    private static Item readItem(UpdateDecoder decoder, int info, long client, long clock) {
        boolean cantCopyParentInfo = (info & (0x80 | 0x40)) == 0;
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
        ID id = new ID(client, clock);
        checkLength(content.getLength(), client, clock);
        // references to the item's own client must point before it: they are integrated in clock order
        checkOwnClientRef(origin, id, "origin");
        checkOwnClientRef(rightOrigin, id, "rightOrigin");
        if (parent instanceof ID p) {
            checkOwnClientRef(p, id, "parent");
        }
        return new Item(id, null, origin, null, rightOrigin, parent, parentSub, content);
    }

    private static void checkOwnClientRef(ID ref, ID id, String what) {
        if (ref != null && ref.client() == id.client() && ref.clock() >= id.clock()) {
            throw new InvalidUpdateException("struct " + id + " has " + what + " " + ref + " that is not before it");
        }
    }

    static DecodedUpdate decodeUpdate(UpdateDecoder structDecoder, int updateSize) {
        try {
            Map<Long, StructRefs> structs = readClientsStructRefs(structDecoder, updateSize);
            DeleteSet ds = DeleteSet.readDeleteSet(structDecoder);
            return new DecodedUpdate(structs, ds);
        } catch (InvalidUpdateException e) {
            throw e;
        } catch (RuntimeException e) {
            // a decoder edge we did not anticipate must still be a typed error
            throw new InvalidUpdateException("malformed update: " + e, e);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // integration

    /**
     * Integrates decoded structs (integrateStructs in encoding.js). Structs whose dependencies are
     * missing are returned, V2-encoded, with the lowest missing clock per client; null if all fit.
     */
    private static StructStore.PendingStructs integrateStructs(
            Transaction transaction, StructStore store, Map<Long, StructRefs> clientsStructRefs) {
        if (clientsStructRefs.isEmpty()) {
            return null;
        }
        // sorted ascending; we take the highest client first (in case of conflicts the lower id will
        // probably not conflict with the id from the higher user)
        long[] ids = new long[clientsStructRefs.size()];
        int idsLen = 0;
        for (Long c : clientsStructRefs.keySet()) {
            ids[idsLen++] = c;
        }
        Arrays.sort(ids, 0, idsLen);
        IdStack clientsStructRefsIds = new IdStack(ids, idsLen);

        StructRefs curStructsTarget = getNextStructTarget(clientsStructRefs, clientsStructRefsIds);
        if (curStructsTarget == null) {
            return null;
        }
        List<AbstractStruct> stack = new ArrayList<>();
        StructStore restStructs = new StructStore();
        Map<Long, Long> missingSV = new HashMap<>();
        AbstractStruct stackHead = curStructsTarget.refs.get(curStructsTarget.i++);
        // caching the state because it is used very often
        Map<Long, Long> state = new HashMap<>();

        while (true) {
            if (!(stackHead instanceof Skip)) {
                long client = stackHead.id.client();
                Long cached = state.get(client);
                long localClock;
                if (cached == null) {
                    localClock = store.getState(client);
                    state.put(client, localClock);
                } else {
                    localClock = cached;
                }
                long offset = localClock - stackHead.id.clock();
                if (offset < 0) {
                    // update from the same client is missing
                    stack.add(stackHead);
                    updateMissingSv(missingSV, client, stackHead.id.clock() - 1);
                    // hit a dead wall, add all items from stack to restSS
                    addStackToRestSS(stack, clientsStructRefs, restStructs, clientsStructRefsIds);
                } else {
                    long missing = stackHead.getMissing(transaction, store);
                    if (missing != -1) {
                        stack.add(stackHead);
                        // get the struct reader that has the missing struct
                        StructRefs structRefs = clientsStructRefs.get(missing);
                        if (structRefs == null || structRefs.refs.size() == structRefs.i) {
                            // this update message causally depends on another update message that doesn't exist yet
                            updateMissingSv(missingSV, missing, store.getState(missing));
                            addStackToRestSS(stack, clientsStructRefs, restStructs, clientsStructRefsIds);
                        } else {
                            stackHead = structRefs.refs.get(structRefs.i++);
                            continue;
                        }
                    } else if (offset == 0 || offset < stackHead.length) {
                        // all fine, apply the stackhead
                        stackHead.integrate(transaction, (int) offset);
                        state.put(client, stackHead.id.clock() + stackHead.length);
                    }
                }
            }
            // iterate to next stackHead
            if (!stack.isEmpty()) {
                stackHead = stack.remove(stack.size() - 1);
            } else if (curStructsTarget != null && curStructsTarget.i < curStructsTarget.refs.size()) {
                stackHead = curStructsTarget.refs.get(curStructsTarget.i++);
            } else {
                curStructsTarget = getNextStructTarget(clientsStructRefs, clientsStructRefsIds);
                if (curStructsTarget == null) {
                    break; // we are done!
                }
                stackHead = curStructsTarget.refs.get(curStructsTarget.i++);
            }
        }
        if (!restStructs.clients.isEmpty()) {
            UpdateEncoderV2 encoder = new UpdateEncoderV2();
            writeClientsStructs(encoder, restStructs, Map.of());
            // write empty deleteset
            encoder.restEncoder().writeVarUint(0);
            return new StructStore.PendingStructs(missingSV, encoder.toUint8Array());
        }
        return null;
    }

    /** A shrinking, sorted list of client ids (Yjs's clientsStructRefsIds array). */
    private static final class IdStack {
        long[] ids;
        int len;

        IdStack(long[] ids, int len) {
            this.ids = ids;
            this.len = len;
        }

        void remove(long client) {
            int j = 0;
            for (int i = 0; i < len; i++) {
                if (ids[i] != client) {
                    ids[j++] = ids[i];
                }
            }
            len = j;
        }
    }

    private static StructRefs getNextStructTarget(Map<Long, StructRefs> clientsStructRefs, IdStack ids) {
        if (ids.len == 0) {
            return null;
        }
        StructRefs next = clientsStructRefs.get(ids.ids[ids.len - 1]);
        while (next.refs.size() == next.i) {
            ids.len--;
            if (ids.len > 0) {
                next = clientsStructRefs.get(ids.ids[ids.len - 1]);
            } else {
                return null;
            }
        }
        return next;
    }

    private static void updateMissingSv(Map<Long, Long> missingSV, long client, long clock) {
        Long mclock = missingSV.get(client);
        if (mclock == null || mclock > clock) {
            missingSV.put(client, clock);
        }
    }

    private static void addStackToRestSS(
            List<AbstractStruct> stack, Map<Long, StructRefs> clientsStructRefs, StructStore restStructs, IdStack ids) {
        for (AbstractStruct item : stack) {
            long client = item.id.client();
            StructRefs inapplicableItems = clientsStructRefs.get(client);
            if (inapplicableItems != null) {
                // decrement because we weren't able to apply previous operation
                inapplicableItems.i--;
                restStructs.clients.put(
                        client,
                        new ArrayList<>(
                                inapplicableItems.refs.subList(inapplicableItems.i, inapplicableItems.refs.size())));
                clientsStructRefs.remove(client);
                inapplicableItems.i = 0;
                inapplicableItems.refs = new ArrayList<>();
            } else {
                // item was the last item on clientsStructRefs and the field was already cleared
                List<AbstractStruct> l = new ArrayList<>(1);
                l.add(item);
                restStructs.clients.put(client, l);
            }
            // remove client from clientsStructRefsIds to prevent users from applying the same update again
            ids.remove(client);
        }
        stack.clear();
    }

    /**
     * Applies a decoded delete set (readAndApplyDeleteSet). Returns the V2 update of the ranges that
     * refer to structs we don't have yet, or null.
     */
    private static byte[] applyDeleteSet(DeleteSet ds, Transaction transaction, StructStore store) {
        DeleteSet unappliedDS = new DeleteSet();
        for (Map.Entry<Long, List<DeleteItem>> e : ds.clients.entrySet()) {
            long client = e.getKey();
            List<AbstractStruct> structs = store.clients.get(client);
            long state = store.getState(client);
            for (DeleteItem di : e.getValue()) {
                if (di.len() == 0) {
                    // a no-op (V1 can express it); Yjs would even fail to re-encode it as a pending V2 range
                    continue;
                }
                long clock = di.clock();
                long clockEnd = clock + di.len();
                if (clock < state) {
                    if (state < clockEnd) {
                        DeleteSet.addToDeleteSet(unappliedDS, client, state, clockEnd - state);
                    }
                    int index = StructStore.findIndexSS(structs, clock);
                    AbstractStruct struct = structs.get(index);
                    // split the first item if necessary
                    if (!struct.deleted() && struct.id.clock() < clock) {
                        structs.add(index + 1, Item.splitItem(transaction, (Item) struct, (int)
                                (clock - struct.id.clock())));
                        index++; // we now want to use the next struct
                    }
                    while (index < structs.size()) {
                        struct = structs.get(index++);
                        if (struct.id.clock() < clockEnd) {
                            if (!struct.deleted()) {
                                if (clockEnd < struct.id.clock() + struct.length) {
                                    structs.add(index, Item.splitItem(transaction, (Item) struct, (int)
                                            (clockEnd - struct.id.clock())));
                                }
                                ((Item) struct).delete(transaction);
                            }
                        } else {
                            break;
                        }
                    }
                } else {
                    DeleteSet.addToDeleteSet(unappliedDS, client, clock, clockEnd - clock);
                }
            }
        }
        if (!unappliedDS.clients.isEmpty()) {
            UpdateEncoderV2 encoder = new UpdateEncoderV2();
            encoder.restEncoder().writeVarUint(0); // encode 0 structs
            DeleteSet.writeDeleteSet(encoder, unappliedDS);
            return encoder.toUint8Array();
        }
        return null;
    }

    /** Reads and applies an update; the update is fully decoded and validated before anything changes. */
    public static void readUpdateV2(Decoder decoder, Doc ydoc, Object transactionOrigin, UpdateDecoder structDecoder) {
        DecodedUpdate update = decodeUpdate(structDecoder, decoder.remaining() + decoder.offset());
        Transaction.transact(
                ydoc,
                transaction -> {
                    integrateDecoded(transaction, update);
                    return null;
                },
                transactionOrigin,
                false);
    }

    private static void integrateDecoded(Transaction transaction, DecodedUpdate update) {
        // force that transaction.local is set to non-local
        transaction.local = false;
        boolean retry = false;
        Doc doc = transaction.doc;
        StructStore store = doc.store;
        resolveParentKeys(doc, update.structs());
        StructStore.PendingStructs restStructs = integrateStructs(transaction, store, update.structs());
        StructStore.PendingStructs pending = store.pendingStructs;
        if (pending != null) {
            // check if we can apply something
            for (Map.Entry<Long, Long> e : pending.missing().entrySet()) {
                if (e.getValue() < store.getState(e.getKey())) {
                    retry = true;
                    break;
                }
            }
            if (restStructs != null) {
                // merge restStructs into store.pending
                for (Map.Entry<Long, Long> e : restStructs.missing().entrySet()) {
                    Long mclock = pending.missing().get(e.getKey());
                    if (mclock == null || mclock > e.getValue()) {
                        pending.missing().put(e.getKey(), e.getValue());
                    }
                }
                store.pendingStructs = new StructStore.PendingStructs(
                        pending.missing(), Updates.mergeUpdatesV2(List.of(pending.update(), restStructs.update())));
            }
        } else {
            store.pendingStructs = restStructs;
        }
        byte[] dsRest = applyDeleteSet(update.ds(), transaction, store);
        if (store.pendingDs != null) {
            // @todo (as in Yjs) a lower-bound state-vector check could avoid re-reading
            UpdateDecoderV2 pendingDSUpdate = new UpdateDecoderV2(new Decoder(store.pendingDs));
            pendingDSUpdate.restDecoder().readVarUint(); // 0 structs: pendingDs only holds deletes
            byte[] dsRest2 = applyDeleteSet(DeleteSet.readDeleteSet(pendingDSUpdate), transaction, store);
            if (dsRest != null && dsRest2 != null) {
                store.pendingDs = Updates.mergeUpdatesV2(List.of(dsRest, dsRest2));
            } else {
                store.pendingDs = dsRest != null ? dsRest : dsRest2;
            }
        } else {
            store.pendingDs = dsRest;
        }
        if (retry) {
            byte[] pendingUpdate = store.pendingStructs.update();
            store.pendingStructs = null;
            applyUpdateV2(transaction.doc, pendingUpdate, null);
        }
    }

    /** Items with a top-level parent name get the doc's type of that name (created if absent). */
    private static void resolveParentKeys(Doc doc, Map<Long, StructRefs> structs) {
        for (StructRefs refs : structs.values()) {
            for (AbstractStruct s : refs.refs) {
                if (s instanceof Item item && item.parent instanceof String key) {
                    item.parent = doc.get(key);
                }
            }
        }
    }

    public static void readUpdate(Decoder decoder, Doc ydoc, Object transactionOrigin) {
        readUpdateV2(decoder, ydoc, transactionOrigin, new UpdateDecoderV1(decoder));
    }

    public static void applyUpdateV2(Doc ydoc, byte[] update, Object transactionOrigin) {
        java.util.Objects.requireNonNull(ydoc, "doc");
        java.util.Objects.requireNonNull(update, "update");
        Decoder decoder = new Decoder(update);
        readUpdateV2(decoder, ydoc, transactionOrigin, newUpdateDecoderV2(decoder));
    }

    public static void applyUpdate(Doc ydoc, byte[] update, Object transactionOrigin) {
        java.util.Objects.requireNonNull(ydoc, "doc");
        java.util.Objects.requireNonNull(update, "update");
        Decoder decoder = new Decoder(update);
        readUpdateV2(decoder, ydoc, transactionOrigin, new UpdateDecoderV1(decoder));
    }

    private static UpdateDecoderV2 newUpdateDecoderV2(Decoder decoder) {
        try {
            return new UpdateDecoderV2(decoder);
        } catch (InvalidUpdateException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvalidUpdateException("malformed update: " + e, e);
        }
    }
}
