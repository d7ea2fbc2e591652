package org.civicpress.ycrdt.types;

import static org.civicpress.ycrdt.types.TypesTestSupport.attrs;
import static org.civicpress.ycrdt.types.TypesTestSupport.doc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.civicpress.ycrdt.Y;
import org.civicpress.ycrdt.lib0.Json;
import org.civicpress.ycrdt.utils.Doc;
import org.civicpress.ycrdt.utils.DocOptions;
import org.junit.jupiter.api.Test;

/** JSON shapes and JS string renderings; expected values from Yjs 13.6.33. */
class TypeJsonTest {

    @Test
    void docJsonWithSubdocNumbersBinaryAndUntypedTopLevelTypes() {
        Doc d1 = doc(1);
        d1.getText("t").insert(0, "hi");
        d1.getMap("m").set("sub", new Doc(DocOptions.defaults().withGuid("g1")));
        d1.getMap("m").set("n", 1.5e300);
        d1.getMap("m").set("bin", new byte[] {7});
        assertEquals("{\"t\":\"hi\",\"m\":{\"sub\":{},\"n\":1.5e+300,\"bin\":{\"0\":7}}}", d1.toJSONString());
        Doc d2 = doc(2);
        Y.applyUpdate(d2, Y.encodeStateAsUpdate(d1));
        // types created by a remote update stay untyped (toJSON undefined) until requested
        assertEquals("{}", d2.toJSONString());
        d2.getMap("m");
        assertEquals("{\"m\":{\"sub\":{},\"n\":1.5e+300,\"bin\":{\"0\":7}}}", d2.toJSONString());
        assertEquals("hi", d2.getText("t").toString());
    }

    @Test
    void xmlAttributesRenderLikeJsString() {
        Doc x = doc(3);
        YXmlFragment f = x.getXmlFragment("f");
        YXmlElement e = new YXmlElement("a");
        e.setAttribute("n", 1.5);
        e.setAttribute("l", Arrays.asList(1L, null, "x"));
        e.setAttribute("o", attrs("a", 1L));
        f.insert(0, List.of(e));
        assertEquals("<a l=\"1,,x\" n=\"1.5\" o=\"[object Object]\"></a>", f.toString());
    }

    @Test
    void cleanupFindsNothingAfterLocalFormatting() {
        Doc x = doc(3);
        YText t = x.getText("tt");
        t.insert(0, "abc");
        t.format(0, 3, attrs("bold", true));
        t.format(1, 1, attrs("bold", true));
        assertEquals(0, YText.cleanupYTextFormatting(t));
    }

    @Test
    void jsObjectKeyOrderPutsArrayIndexesFirst() {
        Map<String, Object> m = attrs("b", 1L, "10", 2L, "2", 3L, "01", 4L, "4294967295", 5L);
        assertEquals(
                List.of("2", "10", "b", "01", "4294967295"),
                new ArrayList<>(AbstractType.jsObjectOrder(m).keySet()));
    }

    @Test
    void prelimTypesAndClonesCarryTheirContent() {
        YMap m = new YMap(Map.of("k", "v"));
        YArray a = new YArray();
        a.push(List.of(1L, 2L));
        YXmlElement el = new YXmlElement("p");
        el.setAttribute("a", "1");
        el.push(List.of(new YXmlText("x")));
        Doc d = doc(4);
        YArray root = d.getArray("r");
        root.push(List.of(m, a, el));
        assertEquals("[{\"k\":\"v\"},[1,2],\"<p a=\\\"1\\\">x</p>\"]", Json.stringify(root.toJSON()));
        YArray copy = a.cloneType();
        root.push(List.of(copy, el.cloneType()));
        assertNotSame(a, copy);
        assertEquals(
                "[{\"k\":\"v\"},[1,2],\"<p a=\\\"1\\\">x</p>\",[1,2],\"<p a=\\\"1\\\">x</p>\"]",
                Json.stringify(root.toJSON()));
        assertTrue(el.hasAttribute("a"));
        assertFalse(el.hasAttribute("b"));
    }
}
