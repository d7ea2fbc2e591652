package org.civicpress.ycrdt.utils;

/**
 * UpdateDecoder.js: the struct-reading surface shared by UpdateDecoderV1 and V2. Every method
 * throws {@link org.civicpress.ycrdt.InvalidUpdateException} on malformed input.
 */
public interface UpdateDecoder extends DSDecoder {
    ID readLeftID();

    ID readRightID();

    long readClient();

    /** The info byte of a struct (0..255). */
    int readInfo();

    String readString();

    boolean readParentInfo();

    int readTypeRef();

    long readLen();

    Object readAny();

    byte[] readBuf();

    Object readJSON();

    String readKey();
}
