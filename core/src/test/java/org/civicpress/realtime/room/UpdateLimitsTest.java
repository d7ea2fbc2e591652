package org.civicpress.realtime.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.DocOptions;
import org.junit.jupiter.api.Test;

/** The dry run behind rooms.max_pending_bytes predicts what the real doc holds pending after an update. */
class UpdateLimitsTest {

    /** Edits of three clients that see each other's edits: updates depend on other clients' updates. */
    private static List<byte[]> interleavedEdits(long seed, int count) {
        Random random = new Random(seed);
        List<Doc> docs = new ArrayList<>();
        for (long id = 1; id <= 3; id++) docs.add(new Doc(DocOptions.defaults().withClientId(id * 1000 + seed)));
        List<byte[]> updates = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Doc doc = docs.get(random.nextInt(docs.size()));
            byte[] sv = Y.encodeStateVector(doc);
            var text = doc.getText("t");
            if (text.length() > 3 && random.nextInt(4) == 0) {
                text.delete(random.nextInt(text.length() - 1), 1);
            } else {
                text.insert(random.nextInt(text.length() + 1), "abc".substring(0, 1 + random.nextInt(3)));
            }
            byte[] update = Y.encodeStateAsUpdate(doc, sv);
            updates.add(update);
            for (Doc other : docs) if (other != doc) Y.applyUpdate(other, update);
        }
        return updates;
    }

    @Test
    void dryRunPredictsThePendingBytesOfOutOfOrderUpdates() {
        int predictedNonZero = 0;
        for (long seed = 1; seed <= 30; seed++) {
            List<byte[]> updates = interleavedEdits(seed, 40);
            Collections.shuffle(updates, new Random(seed));
            Doc doc = new Doc();
            for (byte[] update : updates) {
                long predicted = UpdateLimits.pendingAfter(doc, update);
                Y.applyUpdate(doc, update);
                assertEquals(UpdateLimits.pendingBytes(doc), predicted, "seed " + seed);
                if (predicted > 0) predictedNonZero++;
            }
            assertEquals(0, UpdateLimits.pendingBytes(doc), "all updates arrived: nothing pending");
        }
        assertTrue(predictedNonZero > 100, "the shuffles left things pending: " + predictedNonZero);
    }

    @Test
    void refusalNamesTheLimitAndALargeIntegrableUpdateIsNotRefused() {
        UpdateLimits limits = new UpdateLimits(new RoomSettings.Limits(4096, 1024, 1024, 1));
        Doc doc = new Doc(DocOptions.defaults().withClientId(5));
        List<byte[]> updates = new ArrayList<>();
        Doc author = new Doc(DocOptions.defaults().withClientId(6));
        author.onUpdate((u, origin, tr) -> updates.add(u));
        author.getText("t").insert(0, "x".repeat(2500));
        author.getText("t").insert(2500, "y".repeat(2500));
        author.getText("t").insert(5000, "z".repeat(200));

        assertNull(limits.refusal(doc, updates.get(0)), "2500 bytes > the pending limit, but nothing pending");
        Y.applyUpdate(doc, updates.get(0));
        limits.applied(updates.get(0).length);
        String pending =
                new UpdateLimits(new RoomSettings.Limits(1 << 20, 1024, 1024, 1)).refusal(new Doc(), updates.get(1));
        assertNotNull(pending);
        assertTrue(pending.startsWith("pending updates limit"), pending);
        String size = limits.refusal(doc, updates.get(1));
        assertNotNull(size);
        assertTrue(size.startsWith("document size limit"), size);
        assertNull(limits.refusal(doc, updates.get(2)), "measured exactly, 200 more characters still fit");
    }
}
