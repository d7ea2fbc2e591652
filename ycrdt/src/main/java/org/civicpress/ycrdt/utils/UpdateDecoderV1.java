package org.civicpress.ycrdt.utils;

import org.civicpress.ycrdt.InvalidUpdateException;
import org.civicpress.ycrdt.lib0.Decoder;
import org.civicpress.ycrdt.lib0.Json;

/** UpdateDecoder.js UpdateDecoderV1. */
public class UpdateDecoderV1 extends DSDecoderV1 implements UpdateDecoder {
    public UpdateDecoderV1(Decoder decoder) {
        super(decoder);
    }

    public UpdateDecoderV1(byte[] update) {
        this(new Decoder(update));
    }

    @Override
    public ID readLeftID() {
        long client = restDecoder.readVarUint();
        return new ID(client, restDecoder.readVarUint());
    }

    @Override
    public ID readRightID() {
        long client = restDecoder.readVarUint();
        return new ID(client, restDecoder.readVarUint());
    }

    @Override
    public long readClient() {
        return restDecoder.readVarUint();
    }

    @Override
    public int readInfo() {
        return restDecoder.readUint8();
    }

    @Override
    public String readString() {
        return restDecoder.readVarString();
    }

    @Override
    public boolean readParentInfo() {
        return restDecoder.readVarUint() == 1;
    }

    @Override
    public int readTypeRef() {
        long ref = restDecoder.readVarUint();
        if (ref > Integer.MAX_VALUE) {
            throw new InvalidUpdateException("type ref " + ref + " out of range at byte " + restDecoder.offset());
        }
        return (int) ref;
    }

    @Override
    public long readLen() {
        return restDecoder.readVarUint();
    }

    @Override
    public Object readAny() {
        return restDecoder.readAny();
    }

    @Override
    public byte[] readBuf() {
        return restDecoder.readVarUint8Array();
    }

    @Override
    public Object readJSON() {
        return Json.parse(restDecoder.readVarString());
    }

    @Override
    public String readKey() {
        return restDecoder.readVarString();
    }
}
