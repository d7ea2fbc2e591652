package org.civicpress.ycrdt.types;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.civicpress.ycrdt.structs.ContentType;
import org.civicpress.ycrdt.structs.Item;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.UpdateDecoder;
import org.civicpress.ycrdt.utils.UpdateEncoder;

/** An XML element: a node name, attributes (map part) and children (list part). */
public class YXmlElement extends YXmlFragment {
    public final String nodeName;
    /** Attributes set before the type was integrated into a document. */
    private Map<String, Object> _prelimAttrs = new LinkedHashMap<>();

    public YXmlElement() {
        this("UNDEFINED");
    }

    public YXmlElement(String nodeName) {
        this.nodeName = nodeName;
    }

    public AbstractType nextSibling() {
        Item n = _item == null ? null : _item.next();
        return n == null ? null : ((ContentType) n.content).type;
    }

    public AbstractType prevSibling() {
        Item n = _item == null ? null : _item.prev();
        return n == null ? null : ((ContentType) n.content).type;
    }

    @Override
    public void _integrate(Doc y, Item item) {
        super._integrate(y, item);
        Map<String, Object> prelim = _prelimAttrs;
        _prelimAttrs = null;
        prelim.forEach(this::setAttribute);
    }

    @Override
    public AbstractType _copy() {
        return new YXmlElement(nodeName);
    }

    @Override
    public YXmlElement cloneType() {
        YXmlElement el = new YXmlElement(nodeName);
        getAttributes().forEach(el::setAttribute);
        el.insert(0, clonedChildren());
        return el;
    }

    /** `<nodename a="1" b="2">children</nodename>` with attributes sorted by name, as Yjs. */
    @Override
    public String toString() {
        Map<String, Object> attrs = getAttributes();
        List<String> keys = new ArrayList<>(jsObjectOrder(attrs).keySet());
        keys.sort(null);
        StringBuilder sb = new StringBuilder();
        String name = nodeName.toLowerCase(Locale.ROOT);
        sb.append('<').append(name);
        for (String key : keys) {
            sb.append(' ')
                    .append(key)
                    .append("=\"")
                    .append(JsString.of(attrs.get(key)))
                    .append('"');
        }
        sb.append('>').append(super.toString()).append("</").append(name).append('>');
        return sb.toString();
    }

    public void removeAttribute(String attributeName) {
        if (doc != null) {
            doc.transact(tr -> typeMapDelete(tr, this, attributeName));
        } else {
            _prelimAttrs.remove(attributeName);
        }
    }

    public void setAttribute(String attributeName, Object attributeValue) {
        mapValueContent(attributeValue);
        if (doc != null) {
            doc.transact(tr -> typeMapSet(tr, this, attributeName, attributeValue));
        } else {
            _prelimAttrs.put(attributeName, attributeValue);
        }
    }

    /** Attribute value, or Undefined.INSTANCE when absent. */
    public Object getAttribute(String attributeName) {
        return typeMapGet(this, attributeName);
    }

    public boolean hasAttribute(String attributeName) {
        return typeMapHas(this, attributeName);
    }

    public Map<String, Object> getAttributes() {
        return typeMapGetAll(this);
    }

    @Override
    public void _write(UpdateEncoder encoder) {
        encoder.writeTypeRef(TypeRefs.YXmlElementRefID);
        encoder.writeKey(nodeName);
    }

    public static YXmlElement readYXmlElement(UpdateDecoder decoder) {
        return new YXmlElement(decoder.readKey());
    }
}
