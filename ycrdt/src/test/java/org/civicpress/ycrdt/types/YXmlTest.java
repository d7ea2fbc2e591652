package org.civicpress.ycrdt.types;

import static org.civicpress.ycrdt.types.TypesTestSupport.attrs;
import static org.civicpress.ycrdt.types.TypesTestSupport.doc;
import static org.civicpress.ycrdt.types.TypesTestSupport.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.utils.Doc;
import org.junit.jupiter.api.Test;

/** XML types; expected values were produced by Yjs 13.6.33. */
class YXmlTest {

    @Test
    void xmlTreeRendersAndEncodesLikeYjs() {
        Doc d = doc(42);
        YXmlFragment f = d.getXmlFragment("x");
        YXmlElement p = new YXmlElement("P");
        p.setAttribute("b", "2");
        p.setAttribute("a", "1");
        YXmlText tx = new YXmlText();
        tx.insert(0, "hello world");
        tx.format(0, 5, attrs("strong", attrs("x", "1", "a", 2L)));
        p.insert(0, List.of(tx));
        f.insert(0, List.of(p, new YXmlText("tail")));
        YXmlHook h = new YXmlHook("hk");
        h.set("k", "v");
        f.push(List.of(h));
        String expected = "<p a=\"1\" b=\"2\"><strong a=\"2\" x=\"1\">hello</strong> world</p>tail[object Object]";
        assertEquals(expected, f.toString());
        assertEquals(expected, f.toJSON());
        assertEquals(
                "010c2a000701017803015007002a000604002a010568656c6c6f842a060620776f726c64462a02067374726f6e670f7b2278"
                        + "223a2231222c2261223a327dc62a062a07067374726f6e67046e756c6c28002a0001620177013228002a0001610177013187"
                        + "2a000604002a11047461696c872a110502686b28002a16016b0177017600",
                hex(Y.encodeStateAsUpdate(d)));
        assertSame(p, f.querySelector("p"));
        assertEquals("1", p.getAttribute("a"));
        assertSame(f.get(1), p.nextSibling());
    }

    @Test
    void xmlSurvivesARoundTripThroughAnotherDoc() {
        Doc d1 = doc(1);
        YXmlFragment f = d1.getXmlFragment("x");
        YXmlElement div = new YXmlElement("div");
        div.setAttribute("class", "c");
        div.insert(0, List.of(new YXmlText("hi"), new YXmlElement("br")));
        f.push(List.of(div));
        Doc d2 = doc(2);
        Y.applyUpdate(d2, Y.encodeStateAsUpdate(d1));
        assertEquals(
                "<div class=\"c\">hi<br></br></div>", d2.getXmlFragment("x").toString());
        assertEquals(d1.toJSONString(), d2.toJSONString());
    }
}
