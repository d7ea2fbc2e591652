package org.civicpress.ycrdt.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.civicpress.ycrdt.InvalidUpdateException;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.lib0.Json;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.Updates;

/**
 * Jazzer fuzz target for everything that decodes an update. Only InvalidUpdateException may
 * escape, and a rejected update leaves the document exactly as it was.
 *
 * <p>Without JAZZER_FUZZ (CI) this replays the seeds in
 * {@code src/test/resources/org/civicpress/ycrdt/fuzz/UpdateDecoderFuzzTestInputs/}. To fuzz:
 * {@code JAZZER_FUZZ=1 mvn -pl ycrdt test -Dtest=UpdateDecoderFuzzTest}.
 */
class UpdateDecoderFuzzTest {
    private static final byte[] REAL_V1 = loadRealUpdate();

    @SuppressWarnings("unchecked")
    private static byte[] loadRealUpdate() {
        try (var in =
                UpdateDecoderFuzzTest.class.getResourceAsStream("/org/civicpress/ycrdt/utils/updates-vectors.jsonl")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                Map<String, Object> c = (Map<String, Object>) Json.parse(line);
                if (c.get("name").equals("three-clients-2")) {
                    return HexFormat.of().parseHex((String) c.get("merged"));
                }
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("fixture missing");
    }

    record State(String update, String sv, String json, boolean pending) {
        static State of(Doc doc) {
            return new State(
                    HexFormat.of().formatHex(Y.encodeStateAsUpdate(doc)),
                    HexFormat.of().formatHex(Y.encodeStateVector(doc)),
                    doc.toJSONString(),
                    doc.hasPending());
        }
    }

    @FuzzTest(maxDuration = "5m")
    void applyArbitraryBytes(byte[] data) {
        for (boolean v2 : new boolean[] {false, true}) {
            Doc empty = new Doc();
            applyAndCheck(empty, data, v2);
            Doc full = new Doc();
            Y.applyUpdate(full, REAL_V1);
            applyAndCheck(full, data, v2);
        }
        try {
            Updates.mergeUpdates(List.of(data, REAL_V1));
        } catch (InvalidUpdateException expected) {
            // fine: only this exception may escape
        }
        try {
            Updates.encodeStateVectorFromUpdateV2(data);
            Updates.convertUpdateFormatV2ToV1(data);
        } catch (InvalidUpdateException expected) {
            // fine
        }
    }

    private static State emptyState;
    private static State fullState;

    private static void applyAndCheck(Doc doc, byte[] data, boolean v2) {
        // the two starting documents are always the same: compute their state once
        State before;
        if (doc.share.isEmpty()) {
            before = emptyState != null ? emptyState : (emptyState = State.of(doc));
        } else {
            before = fullState != null ? fullState : (fullState = State.of(doc));
        }
        try {
            if (v2) {
                Y.applyUpdateV2(doc, data, null);
            } else {
                Y.applyUpdate(doc, data);
            }
            State.of(doc); // an accepted update must leave a document that still encodes
        } catch (InvalidUpdateException e) {
            assertEquals(before, State.of(doc), "rejected update changed the document");
        }
    }
}
