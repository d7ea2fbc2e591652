package org.civicpress.ycrdt.types;

/** clone() support: nested types are deep-copied, plain values are shared like in Yjs. */
final class TypeClone {
    private TypeClone() {}

    static Object cloneValue(Object v) {
        if (v instanceof YXmlText t) {
            return t.cloneType();
        }
        if (v instanceof YText t) {
            return t.cloneType();
        }
        if (v instanceof YXmlHook h) {
            return h.cloneType();
        }
        if (v instanceof YMap m) {
            return m.cloneType();
        }
        if (v instanceof YArray a) {
            return a.cloneType();
        }
        if (v instanceof YXmlElement e) {
            return e.cloneType();
        }
        if (v instanceof YXmlFragment f) {
            return f.cloneType();
        }
        return v;
    }
}
