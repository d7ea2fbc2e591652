package org.civicpress.ycrdt.types;

import org.civicpress.ycrdt.utils.UpdateDecoder;

/** Type reference numbers written in ContentType (Yjs YArrayRefID ... YXmlTextRefID). */
public final class TypeRefs {
    public static final int YArrayRefID = 0;
    public static final int YMapRefID = 1;
    public static final int YTextRefID = 2;
    public static final int YXmlElementRefID = 3;
    public static final int YXmlFragmentRefID = 4;
    public static final int YXmlHookRefID = 5;
    public static final int YXmlTextRefID = 6;

    private TypeRefs() {}

    /** Number of known type refs; readContentType must reject refs >= this. */
    public static final int COUNT = 7;

    /**
     * Creates the empty type for a type ref (ContentType.js typeRefs table). Element and hook
     * names are read from the decoder. Throws IllegalArgumentException for an unknown ref.
     */
    public static AbstractType readType(int typeRef, UpdateDecoder decoder) {
        return switch (typeRef) {
            case YArrayRefID -> new YArray();
            case YMapRefID -> new YMap();
            case YTextRefID -> new YText();
            case YXmlElementRefID -> new YXmlElement(decoder.readKey());
            case YXmlFragmentRefID -> new YXmlFragment();
            case YXmlHookRefID -> new YXmlHook(decoder.readKey());
            case YXmlTextRefID -> new YXmlText();
            default -> throw new IllegalArgumentException("unknown type ref " + typeRef);
        };
    }
}
