package org.civicpress.ycrdt.utils;

import org.civicpress.ycrdt.lib0.Encoder;
import org.civicpress.ycrdt.lib0.IntDiffOptRleEncoder;
import org.civicpress.ycrdt.lib0.RleEncoder;
import org.civicpress.ycrdt.lib0.StringEncoder;
import org.civicpress.ycrdt.lib0.UintOptRleEncoder;

/** UpdateEncoder.js UpdateEncoderV2: column-oriented update format. */
public class UpdateEncoderV2 extends DSEncoderV2 implements UpdateEncoder {
    private long keyClock;
    private final IntDiffOptRleEncoder keyClockEncoder = new IntDiffOptRleEncoder();
    private final UintOptRleEncoder clientEncoder = new UintOptRleEncoder();
    private final IntDiffOptRleEncoder leftClockEncoder = new IntDiffOptRleEncoder();
    private final IntDiffOptRleEncoder rightClockEncoder = new IntDiffOptRleEncoder();
    private final RleEncoder infoEncoder = new RleEncoder();
    private final StringEncoder stringEncoder = new StringEncoder();
    private final RleEncoder parentInfoEncoder = new RleEncoder();
    private final UintOptRleEncoder typeRefEncoder = new UintOptRleEncoder();
    private final UintOptRleEncoder lenEncoder = new UintOptRleEncoder();

    @Override
    public byte[] toUint8Array() {
        Encoder encoder = new Encoder(restEncoder.length() + 64);
        encoder.writeVarUint(0); // feature flag, currently unused
        encoder.writeVarUint8Array(keyClockEncoder.toUint8Array());
        encoder.writeVarUint8Array(clientEncoder.toUint8Array());
        encoder.writeVarUint8Array(leftClockEncoder.toUint8Array());
        encoder.writeVarUint8Array(rightClockEncoder.toUint8Array());
        encoder.writeVarUint8Array(infoEncoder.toUint8Array());
        encoder.writeVarUint8Array(stringEncoder.toUint8Array());
        encoder.writeVarUint8Array(parentInfoEncoder.toUint8Array());
        encoder.writeVarUint8Array(typeRefEncoder.toUint8Array());
        encoder.writeVarUint8Array(lenEncoder.toUint8Array());
        // the rest encoder is appended without a length prefix
        encoder.writeBinaryEncoder(restEncoder);
        return encoder.toUint8Array();
    }

    @Override
    public void writeLeftID(ID id) {
        clientEncoder.write(id.client());
        leftClockEncoder.write(id.clock());
    }

    @Override
    public void writeRightID(ID id) {
        clientEncoder.write(id.client());
        rightClockEncoder.write(id.clock());
    }

    @Override
    public void writeClient(long client) {
        clientEncoder.write(client);
    }

    @Override
    public void writeInfo(int info) {
        infoEncoder.write8(info);
    }

    @Override
    public void writeString(String s) {
        stringEncoder.write(s);
    }

    @Override
    public void writeParentInfo(boolean isYKey) {
        parentInfoEncoder.write8(isYKey ? 1 : 0);
    }

    @Override
    public void writeTypeRef(int info) {
        typeRefEncoder.write(info);
    }

    @Override
    public void writeLen(long len) {
        lenEncoder.write(len);
    }

    @Override
    public void writeAny(Object any) {
        restEncoder.writeAny(any);
    }

    @Override
    public void writeBuf(byte[] buf) {
        restEncoder.writeVarUint8Array(buf);
    }

    @Override
    public void writeJSON(Object embed) {
        restEncoder.writeAny(embed);
    }

    @Override
    public void writeKey(String key) {
        // Yjs 13.6 never reuses keys (its keyMap.set is commented out): always a fresh key clock
        keyClockEncoder.write(keyClock++);
        stringEncoder.write(key);
    }
}
