package org.civicpress.realtime.protocol;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.HexFormat;
import org.civicpress.ycrdt.InvalidUpdateException;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.utils.Doc;

/**
 * Jazzer fuzz target for the y-websocket frame decoder and what the room does with a decoded frame's
 * payload: only {@link ProtocolException} (frame) and {@link InvalidUpdateException} (Yjs payload) may
 * escape, and a rejected update leaves the document byte-identical.
 *
 * <p>Without JAZZER_FUZZ (CI) this replays the seeds in
 * {@code src/test/resources/org/civicpress/realtime/protocol/FrameDecoderFuzzTestInputs/}. To fuzz:
 * {@code JAZZER_FUZZ=1 mvn -pl core test -Dtest=FrameDecoderFuzzTest} (counts in docs/security.md).
 */
class FrameDecoderFuzzTest {
    private static final byte[] BASE = baseDocument();

    private static byte[] baseDocument() {
        Doc doc = new Doc();
        doc.getText("t").insert(0, "hello");
        doc.getMap("m").set("k", 1L);
        return Y.encodeStateAsUpdate(doc);
    }

    @FuzzTest(maxDuration = "5m")
    void decodeArbitraryFrames(byte[] frame) {
        YMessage message;
        try {
            message = MessageDecoder.decode(frame);
        } catch (ProtocolException expected) {
            return;
        }
        if (message instanceof YMessage.SyncStep1 step1) {
            Doc doc = load();
            try {
                Y.encodeStateAsUpdate(doc, step1.stateVector());
            } catch (InvalidUpdateException expected) {
                // a state vector the engine rejects: the room closes the sender with 4400
            }
        } else if (message instanceof YMessage.SyncStep2 step2) {
            applyLeavesDocIntactOnRejection(step2.update());
        } else if (message instanceof YMessage.SyncUpdate update) {
            applyLeavesDocIntactOnRejection(update.update());
        } else if (message instanceof YMessage.Awareness awareness) {
            // Decoded entries re-encode to a valid awareness update (what the room relays).
            AwarenessProtocol.decodeUpdate(AwarenessProtocol.encodeUpdate(awareness.entries()));
        }
    }

    private static Doc load() {
        Doc doc = new Doc();
        Y.applyUpdate(doc, BASE);
        return doc;
    }

    private static void applyLeavesDocIntactOnRejection(byte[] update) {
        Doc doc = load();
        String before = HexFormat.of().formatHex(Y.encodeStateAsUpdate(doc));
        try {
            Y.applyUpdate(doc, update);
        } catch (InvalidUpdateException e) {
            String after = HexFormat.of().formatHex(Y.encodeStateAsUpdate(doc));
            if (!before.equals(after) || doc.hasPending()) {
                throw new AssertionError("rejected update changed the document: " + e.getMessage());
            }
        }
    }
}
