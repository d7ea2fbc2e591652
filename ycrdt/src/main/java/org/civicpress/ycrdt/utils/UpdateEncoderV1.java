package org.civicpress.ycrdt.utils;

import org.civicpress.ycrdt.lib0.Json;

/** UpdateEncoder.js UpdateEncoderV1: everything written in sequence to {@link #restEncoder}. */
public class UpdateEncoderV1 extends DSEncoderV1 implements UpdateEncoder {
    @Override
    public void writeLeftID(ID id) {
        restEncoder.writeVarUint(id.client());
        restEncoder.writeVarUint(id.clock());
    }

    @Override
    public void writeRightID(ID id) {
        restEncoder.writeVarUint(id.client());
        restEncoder.writeVarUint(id.clock());
    }

    @Override
    public void writeClient(long client) {
        restEncoder.writeVarUint(client);
    }

    @Override
    public void writeInfo(int info) {
        restEncoder.writeUint8(info);
    }

    @Override
    public void writeString(String s) {
        restEncoder.writeVarString(s);
    }

    @Override
    public void writeParentInfo(boolean isYKey) {
        restEncoder.writeVarUint(isYKey ? 1 : 0);
    }

    @Override
    public void writeTypeRef(int info) {
        restEncoder.writeVarUint(info);
    }

    @Override
    public void writeLen(long len) {
        restEncoder.writeVarUint(len);
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
        String json = Json.stringify(embed);
        // JS would hand undefined to writeVarString and fail; write the text Yjs uses for undefined
        restEncoder.writeVarString(json == null ? "undefined" : json);
    }

    @Override
    public void writeKey(String key) {
        restEncoder.writeVarString(key);
    }
}
