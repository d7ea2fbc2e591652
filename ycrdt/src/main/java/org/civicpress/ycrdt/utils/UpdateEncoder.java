package org.civicpress.ycrdt.utils;

/** UpdateEncoder.js: the struct-writing surface shared by UpdateEncoderV1 and V2. */
public interface UpdateEncoder extends DSEncoder {
    void writeLeftID(ID id);

    void writeRightID(ID id);

    /** Client of a struct section (and of a parent ID). */
    void writeClient(long client);

    void writeInfo(int info);

    void writeString(String s);

    void writeParentInfo(boolean isYKey);

    void writeTypeRef(int info);

    void writeLen(long len);

    void writeAny(Object any);

    void writeBuf(byte[] buf);

    void writeJSON(Object embed);

    void writeKey(String key);
}
