package org.civicpress.ycrdt.conformance;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** A Yjs scenario as js/conformance/scenario.mjs generate() returns it, with the bytes decoded. */
public record Scenario(
        long seed,
        boolean gc,
        List<Long> clients,
        List<Map<String, Object>> log,
        List<Object> replicaViews,
        List<byte[]> updatesV1,
        List<byte[]> updatesV2,
        List<Integer> order,
        List<Map<String, Object>> checkpoints,
        Map<String, Object> fin,
        Map<String, Object> lagging,
        Map<String, Object> utils) {

    @SuppressWarnings("unchecked")
    static Scenario from(Map<String, Object> m) {
        List<byte[]> v1 = new ArrayList<>();
        List<byte[]> v2 = new ArrayList<>();
        for (Object o : (List<Object>) m.get("updates")) {
            Map<String, Object> u = (Map<String, Object>) o;
            v1.add(bytes(u.get("v1")));
            v2.add(bytes(u.get("v2")));
        }
        List<Integer> order = new ArrayList<>();
        for (Object o : (List<Object>) m.get("order")) {
            order.add(((Double) o).intValue());
        }
        List<Long> clients = new ArrayList<>();
        for (Object o : (List<Object>) m.get("clients")) {
            clients.add(((Double) o).longValue());
        }
        return new Scenario(
                ((Double) m.get("seed")).longValue(),
                (Boolean) m.get("gc"),
                clients,
                (List<Map<String, Object>>) (List<?>) m.get("log"),
                (List<Object>) m.get("replicaViews"),
                v1,
                v2,
                order,
                (List<Map<String, Object>>) (List<?>) m.get("checkpoints"),
                (Map<String, Object>) m.get("final"),
                (Map<String, Object>) m.get("lagging"),
                (Map<String, Object>) m.get("utils"));
    }

    static byte[] bytes(Object base64) {
        return Base64.getDecoder().decode((String) base64);
    }

    static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** The v1 (or v2) updates in the receivers' delivery order, duplicates included. */
    List<byte[]> delivered(boolean v2) {
        List<byte[]> out = new ArrayList<>(order.size());
        for (int i : order) {
            out.add((v2 ? updatesV2 : updatesV1).get(i));
        }
        return out;
    }

    String replayHint() {
        return "replay: mvn -B -pl ycrdt test -Dtest=ConformanceTest -Dycrdt.seed=" + seed
                + "   (the Yjs side: node js/conformance/scenario.mjs --seed " + seed + ")";
    }
}
