package org.civicpress.ycrdt.conformance;

import org.civicpress.ycrdt.types.YText;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.DocOptions;

/** The few engine calls the harness needs, in one place. */
public final class Engine {
    public static final long UNSET_CLIENT = -1;

    private Engine() {}

    public static Doc newDoc(long clientId, boolean gc) {
        DocOptions o = DocOptions.defaults().withGc(gc);
        return new Doc(clientId == UNSET_CLIENT ? o : o.withClientId(clientId));
    }

    /** Types the four top-level shares every scenario uses, like js/conformance/lib.mjs typeShares(). */
    public static YText typeShares(Doc doc) {
        YText text = doc.getText("text");
        doc.getArray("array");
        doc.getMap("map");
        doc.getXmlFragment("xml");
        return text;
    }
}
