package org.civicpress.ycrdt.types;

import org.civicpress.ycrdt.utils.UpdateDecoder;
import org.civicpress.ycrdt.utils.UpdateEncoder;

/** A map with a hook name, rendered by application code (YXmlHook.js). */
public class YXmlHook extends YMap {
    public final String hookName;

    public YXmlHook(String hookName) {
        this.hookName = hookName;
    }

    @Override
    public AbstractType _copy() {
        return new YXmlHook(hookName);
    }

    @Override
    public YXmlHook cloneType() {
        YXmlHook el = new YXmlHook(hookName);
        forEach((value, key) -> el.set(key, value));
        return el;
    }

    @Override
    public void _write(UpdateEncoder encoder) {
        encoder.writeTypeRef(TypeRefs.YXmlHookRefID);
        encoder.writeKey(hookName);
    }

    public static YXmlHook readYXmlHook(UpdateDecoder decoder) {
        return new YXmlHook(decoder.readKey());
    }
}
