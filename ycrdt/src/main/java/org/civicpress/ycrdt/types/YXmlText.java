package org.civicpress.ycrdt.types;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.civicpress.ycrdt.structs.ContentType;
import org.civicpress.ycrdt.structs.Item;
import org.civicpress.ycrdt.utils.UpdateDecoder;
import org.civicpress.ycrdt.utils.UpdateEncoder;

/** Text inside an XML tree; formatting attributes render as nested tags (YXmlText.js). */
public class YXmlText extends YText {
    public YXmlText() {}

    public YXmlText(String initial) {
        super(initial);
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
    public AbstractType _copy() {
        return new YXmlText();
    }

    @Override
    public YXmlText cloneType() {
        YXmlText text = new YXmlText();
        text.applyDelta(toDelta());
        return text;
    }

    @Override
    @SuppressWarnings("unchecked")
    public String toString() {
        StringBuilder out = new StringBuilder();
        for (Map<String, Object> delta : toDelta()) {
            List<String> nodeNames = new ArrayList<>();
            Object attrsObj = delta.get("attributes");
            Map<String, Object> attributes = attrsObj instanceof Map ? (Map<String, Object>) attrsObj : Map.of();
            nodeNames.addAll(attributes.keySet());
            nodeNames.sort(null);
            StringBuilder str = new StringBuilder();
            for (String nodeName : nodeNames) {
                str.append('<').append(nodeName);
                List<String[]> attrs = JsString.forInEntries(attributes.get(nodeName));
                attrs.sort((a, b) -> a[0].compareTo(b[0]));
                for (String[] attr : attrs) {
                    str.append(' ')
                            .append(attr[0])
                            .append("=\"")
                            .append(attr[1])
                            .append('"');
                }
                str.append('>');
            }
            str.append(JsString.of(delta.get("insert")));
            for (int i = nodeNames.size() - 1; i >= 0; i--) {
                str.append("</").append(nodeNames.get(i)).append('>');
            }
            out.append(str);
        }
        return out.toString();
    }

    @Override
    public Object toJSON() {
        return toString();
    }

    @Override
    public void _write(UpdateEncoder encoder) {
        encoder.writeTypeRef(TypeRefs.YXmlTextRefID);
    }

    public static YXmlText readYXmlText(UpdateDecoder decoder) {
        return new YXmlText();
    }
}
