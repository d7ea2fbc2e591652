package org.civicpress.ycrdt.utils;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.civicpress.ycrdt.lib0.Decoder;
import org.civicpress.ycrdt.lib0.Encoder;

/**
 * updates.js: working on encoded updates without a document (merge, diff, state vectors, format
 * conversion). Output is byte-identical to Yjs 13.6.33.
 *
 * <p>mergeUpdates follows Yjs's algorithm step by step, but where Yjs re-filters and re-sorts all
 * readers on every step (quadratic in the number of updates) we keep them in a binary heap with
 * the same order, including the order a stable re-sort gives to ties: the reader that was at the
 * front most recently comes first, then the input order.
 */
public final class Updates {
    private Updates() {}

    /** Client and clock ranges an update covers (updates.js parseUpdateMeta). */
    public record UpdateMeta(Map<Long, Long> from, Map<Long, Long> to) {}

    /** Structs and delete set of an update, fully decoded (updates.js decodeUpdate). */
    public record DecodedUpdate(List<LazyStruct> structs, DeleteSet ds) {}

    static UpdateDecoder v1(byte[] update) {
        return new UpdateDecoderV1(new Decoder(update));
    }

    static UpdateDecoder v2(byte[] update) {
        return new UpdateDecoderV2(new Decoder(update));
    }

    // ---------------------------------------------------------------- decode / meta

    public static DecodedUpdate decodeUpdate(byte[] update) {
        return decode(v1(update));
    }

    public static DecodedUpdate decodeUpdateV2(byte[] update) {
        return decode(v2(update));
    }

    private static DecodedUpdate decode(UpdateDecoder decoder) {
        List<LazyStruct> structs = new ArrayList<>();
        LazyStructReader reader = new LazyStructReader(decoder, false);
        for (LazyStruct curr = reader.curr; curr != null; curr = reader.next()) {
            structs.add(curr);
        }
        return new DecodedUpdate(structs, DeleteSet.readDeleteSet(decoder));
    }

    public static UpdateMeta parseUpdateMeta(byte[] update) {
        return parseUpdateMeta(v1(update));
    }

    public static UpdateMeta parseUpdateMetaV2(byte[] update) {
        return parseUpdateMeta(v2(update));
    }

    private static UpdateMeta parseUpdateMeta(UpdateDecoder decoder) {
        Map<Long, Long> from = new LinkedHashMap<>();
        Map<Long, Long> to = new LinkedHashMap<>();
        LazyStructReader reader = new LazyStructReader(decoder, false);
        LazyStruct curr = reader.curr;
        if (curr != null) {
            long currClient = curr.client;
            long currClock = curr.clock;
            from.put(currClient, currClock);
            for (; curr != null; curr = reader.next()) {
                if (currClient != curr.client) {
                    to.put(currClient, currClock);
                    from.put(curr.client, curr.clock);
                    currClient = curr.client;
                }
                currClock = curr.end();
            }
            to.put(currClient, currClock);
        }
        DeleteSet.readDeleteSet(decoder); // Yjs stops before it; we read it to reject malformed input
        return new UpdateMeta(from, to);
    }

    // ---------------------------------------------------------------- state vectors

    public static byte[] encodeStateVectorFromUpdate(byte[] update) {
        return encodeStateVectorFromUpdate(v1(update), new DSEncoderV1());
    }

    public static byte[] encodeStateVectorFromUpdateV2(byte[] update) {
        return encodeStateVectorFromUpdate(v2(update), new DSEncoderV2());
    }

    private static byte[] encodeStateVectorFromUpdate(UpdateDecoder decoder, DSEncoder encoder) {
        LazyStructReader reader = new LazyStructReader(decoder, false);
        LazyStruct curr = reader.curr;
        if (curr == null) {
            DeleteSet.readDeleteSet(decoder); // validation only
            encoder.restEncoder().writeVarUint(0);
            return encoder.toUint8Array();
        }
        Encoder pairs = new Encoder();
        long size = 0;
        long currClient = curr.client;
        boolean stopCounting = curr.clock != 0; // must start at 0
        long currClock = stopCounting ? 0 : curr.end();
        for (; curr != null; curr = reader.next()) {
            if (currClient != curr.client) {
                if (currClock != 0) {
                    size++;
                    pairs.writeVarUint(currClient);
                    pairs.writeVarUint(currClock);
                }
                currClient = curr.client;
                currClock = 0;
                stopCounting = curr.clock != 0;
            }
            if (curr.isSkip()) {
                stopCounting = true;
            }
            if (!stopCounting) {
                currClock = curr.end();
            }
        }
        if (currClock != 0) {
            size++;
            pairs.writeVarUint(currClient);
            pairs.writeVarUint(currClock);
        }
        DeleteSet.readDeleteSet(decoder); // validation only: Yjs does not look at the delete set here
        Encoder enc = new Encoder();
        enc.writeVarUint(size);
        enc.writeBinaryEncoder(pairs);
        encoder.setRestEncoder(enc);
        return encoder.toUint8Array();
    }

    /** encoding.js decodeStateVector, with bounds checks. */
    public static Map<Long, Long> decodeStateVector(byte[] sv) {
        Decoder d = new Decoder(sv);
        Map<Long, Long> state = new HashMap<>();
        long n = d.readVarUint();
        for (long i = 0; i < n; i++) {
            long client = d.readVarUint();
            long clock = d.readVarUint();
            state.put(client, clock);
        }
        return state;
    }

    // ---------------------------------------------------------------- merge

    public static byte[] mergeUpdates(List<byte[]> updates) {
        return mergeUpdates(updates, Updates::v1, UpdateEncoderV1::new);
    }

    public static byte[] mergeUpdatesV2(List<byte[]> updates) {
        return mergeUpdates(updates, Updates::v2, UpdateEncoderV2::new);
    }

    /** A reader plus the data that orders it in the heap. */
    private static final class Source {
        final LazyStructReader reader;
        final int index;
        long lastFront = -1;

        Source(LazyStructReader reader, int index) {
            this.reader = reader;
            this.index = index;
        }
    }

    /**
     * Yjs's sort order: higher client first, then lower clock; ties (Yjs compares only constructors
     * there, and Skips are filtered) keep the order a stable re-sort produces.
     */
    private static int compare(Source a, Source b) {
        LazyStruct x = a.reader.curr;
        LazyStruct y = b.reader.curr;
        if (x.client != y.client) {
            return Long.compare(y.client, x.client);
        }
        if (x.clock != y.clock) {
            return Long.compare(x.clock, y.clock);
        }
        if (a.lastFront != b.lastFront) {
            return Long.compare(b.lastFront, a.lastFront);
        }
        return Integer.compare(a.index, b.index);
    }

    private static byte[] mergeUpdates(
            List<byte[]> updates, Function<byte[], UpdateDecoder> newDecoder, Supplier<UpdateEncoder> newEncoder) {
        if (updates.size() == 1) {
            // Yjs returns the single update as is; we still reject it if it is malformed
            decode(newDecoder.apply(updates.get(0)));
            return updates.get(0);
        }
        List<UpdateDecoder> updateDecoders = new ArrayList<>(updates.size());
        Source[] heap = new Source[updates.size()];
        int heapSize = 0;
        for (int i = 0; i < updates.size(); i++) {
            UpdateDecoder decoder = newDecoder.apply(updates.get(i));
            updateDecoders.add(decoder);
            LazyStructReader reader = new LazyStructReader(decoder, true);
            if (reader.curr != null) {
                heap[heapSize] = new Source(reader, i);
                siftUp(heap, heapSize++);
            }
        }
        UpdateEncoder updateEncoder = newEncoder.get();
        LazyStructWriter writer = new LazyStructWriter(updateEncoder);
        LazyStruct currWrite = null;
        long step = 0;
        while (heapSize > 0) {
            Source currSource = heap[0];
            currSource.lastFront = step++;
            LazyStructReader currDecoder = currSource.reader;
            long firstClient = currDecoder.curr.client;
            boolean skipRest = false;
            if (currWrite != null) {
                LazyStruct curr = currDecoder.curr;
                boolean iterated = false;
                // skip what has been written already (higher clients are written first)
                while (curr != null && curr.end() <= currWrite.end() && curr.client >= currWrite.client) {
                    curr = currDecoder.next();
                    iterated = true;
                }
                if (curr == null || curr.client != firstClient || (iterated && curr.clock > currWrite.end())) {
                    skipRest = true;
                } else if (firstClient != currWrite.client) {
                    writer.write(currWrite, 0);
                    currWrite = curr;
                    currDecoder.next();
                } else if (currWrite.end() < curr.clock) {
                    if (currWrite.isSkip()) {
                        currWrite.length = curr.end() - currWrite.clock; // extend the existing skip
                    } else {
                        writer.write(currWrite, 0);
                        long diff = curr.clock - currWrite.end();
                        currWrite = LazyStruct.skip(firstClient, currWrite.end(), diff);
                    }
                } else {
                    long diff = currWrite.end() - curr.clock;
                    if (diff > 0) {
                        if (currWrite.isSkip()) {
                            currWrite.length -= diff; // prefer slicing the Skip: the other struct has content
                        } else {
                            curr = curr.slice(diff);
                        }
                    }
                    if (!currWrite.mergeWith(curr)) {
                        writer.write(currWrite, 0);
                        currWrite = curr;
                        currDecoder.next();
                    }
                }
            } else {
                currWrite = currDecoder.curr;
                currDecoder.next();
            }
            if (!skipRest) {
                for (LazyStruct next = currDecoder.curr;
                        next != null && next.client == firstClient && next.clock == currWrite.end() && !next.isSkip();
                        next = currDecoder.next()) {
                    writer.write(currWrite, 0);
                    currWrite = next;
                }
            }
            // the front reader moved: restore the heap
            if (currDecoder.curr == null) {
                heap[0] = heap[--heapSize];
                heap[heapSize] = null;
            }
            if (heapSize > 0) {
                siftDown(heap, heapSize, 0);
            }
        }
        if (currWrite != null) {
            writer.write(currWrite, 0);
        }
        writer.finish();
        List<DeleteSet> dss = new ArrayList<>(updateDecoders.size());
        for (UpdateDecoder decoder : updateDecoders) {
            dss.add(DeleteSet.readDeleteSet(decoder));
        }
        DeleteSet.writeDeleteSet(updateEncoder, mergeDeleteSetsLinear(dss));
        return updateEncoder.toUint8Array();
    }

    /** Same result as DeleteSet.mergeDeleteSets, in one pass even with many clients. */
    static DeleteSet mergeDeleteSetsLinear(List<DeleteSet> dss) {
        DeleteSet merged = new DeleteSet();
        for (DeleteSet ds : dss) {
            for (Map.Entry<Long, List<DeleteItem>> e : ds.clients.entrySet()) {
                merged.clients
                        .computeIfAbsent(e.getKey(), c -> new ArrayList<>())
                        .addAll(e.getValue());
            }
        }
        DeleteSet.sortAndMergeDeleteSet(merged);
        return merged;
    }

    private static void siftUp(Source[] heap, int i) {
        Source s = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (compare(s, heap[parent]) >= 0) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = s;
    }

    private static void siftDown(Source[] heap, int size, int i) {
        Source s = heap[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && compare(heap[child + 1], heap[child]) < 0) {
                child++;
            }
            if (compare(heap[child], s) >= 0) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = s;
    }

    // ---------------------------------------------------------------- diff

    public static byte[] diffUpdate(byte[] update, byte[] sv) {
        return diffUpdate(v1(update), sv, new UpdateEncoderV1());
    }

    public static byte[] diffUpdateV2(byte[] update, byte[] sv) {
        return diffUpdate(v2(update), sv, new UpdateEncoderV2());
    }

    private static byte[] diffUpdate(UpdateDecoder decoder, byte[] sv, UpdateEncoder encoder) {
        Map<Long, Long> state = decodeStateVector(sv);
        LazyStructWriter writer = new LazyStructWriter(encoder);
        LazyStructReader reader = new LazyStructReader(decoder, false);
        while (reader.curr != null) {
            LazyStruct curr = reader.curr;
            long currClient = curr.client;
            long svClock = state.getOrDefault(currClient, 0L);
            if (curr.isSkip()) {
                reader.next(); // the first written struct shouldn't be a skip
                continue;
            }
            if (curr.end() > svClock) {
                writer.write(curr, Math.max(svClock - curr.clock, 0));
                reader.next();
                while (reader.curr != null && reader.curr.client == currClient) {
                    writer.write(reader.curr, 0);
                    reader.next();
                }
            } else {
                while (reader.curr != null && reader.curr.client == currClient && reader.curr.end() <= svClock) {
                    reader.next();
                }
            }
        }
        writer.finish();
        DeleteSet.writeDeleteSet(encoder, DeleteSet.readDeleteSet(decoder));
        return encoder.toUint8Array();
    }

    // ---------------------------------------------------------------- format conversion

    public static byte[] convertUpdateFormatV1ToV2(byte[] update) {
        return convertUpdateFormat(v1(update), new UpdateEncoderV2());
    }

    public static byte[] convertUpdateFormatV2ToV1(byte[] update) {
        return convertUpdateFormat(v2(update), new UpdateEncoderV1());
    }

    private static byte[] convertUpdateFormat(UpdateDecoder decoder, UpdateEncoder encoder) {
        LazyStructReader reader = new LazyStructReader(decoder, false);
        LazyStructWriter writer = new LazyStructWriter(encoder);
        for (LazyStruct curr = reader.curr; curr != null; curr = reader.next()) {
            writer.write(curr, 0);
        }
        writer.finish();
        DeleteSet.writeDeleteSet(encoder, DeleteSet.readDeleteSet(decoder));
        return encoder.toUint8Array();
    }

    /** Throws InvalidUpdateException unless {@code update} decodes completely (structs and delete set). */
    public static void validate(byte[] update, boolean v2) {
        decode(v2 ? v2(update) : v1(update));
    }
}
