package org.civicpress.realtime.protocol;

import java.util.HexFormat;

/**
 * Updates and frames produced by real Yjs 13.6.33 / y-protocols 1.0.7 in node (generator script in the
 * comments), so the server is tested against what browsers send, independently of our engine's encoder.
 * <pre>
 * a = new Y.Doc(); a.clientID = 1; a.getText('t').insert(0,'hello'); insert(5,' world'); delete(0,1)
 * b = new Y.Doc(); b.clientID = 2; b.getText('t').insert(0,'X')
 * awareness of doc with clientID 7: setLocalState({user:{name:'a'}}), then removeAwarenessStates([7])
 * </pre>
 */
public final class YjsFixtures {
    /** a: insert "hello" (client 1, clocks 0..4). */
    public static final byte[] U1 = hex("01010100040101740568656c6c6f00");
    /** a: append " world" (depends on U1). */
    public static final byte[] U2 = hex("010101058401040620776f726c6400");
    /** a: delete the first character (delete set only). */
    public static final byte[] U3_DELETE = hex("000101010001");
    /** b: insert "X" (client 2), concurrent with a. */
    public static final byte[] B1 = hex("0101020004010174015800");
    /** Text of t after U1, U2, U3_DELETE and B1. */
    public static final String ALL_TEXT = "ello worldX";
    /** y-websocket frame: messageSync, SyncStep1 with the state vector of a ({1: 11}). */
    public static final byte[] FRAME_STEP1_A = hex("00000301010b");
    /** y-websocket frame: messageSync, Update U1. */
    public static final byte[] FRAME_UPDATE_U1 = hex("00020f01010100040101740568656c6c6f00");
    /** Awareness update: client 7, clock 1, {"user":{"name":"a"}}. */
    public static final byte[] AWARENESS_7 = hex("010701157b2275736572223a7b226e616d65223a2261227d7d");
    /** Awareness update: client 7 removed, clock 2, null. */
    public static final byte[] AWARENESS_7_NULL = hex("010702046e756c6c");

    private YjsFixtures() {}

    public static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }
}
