package org.civicpress.ycrdt.structs;

import java.util.Collections;
import java.util.List;
import org.civicpress.ycrdt.utils.UpdateDecoder;
import org.civicpress.ycrdt.utils.UpdateEncoder;

/** A rich-text embed (any JSON value) occupying one position in a YText. */
public final class ContentEmbed extends AbstractContent {
    public static final int REF = 5;
    public final Object embed;

    public ContentEmbed(Object embed) {
        this.embed = embed;
    }

    @Override
    public int getLength() {
        return 1;
    }

    @Override
    public List<Object> getContent() {
        return Collections.singletonList(embed);
    }

    @Override
    public boolean isCountable() {
        return true;
    }

    @Override
    public ContentEmbed copy() {
        return new ContentEmbed(embed);
    }

    @Override
    public void write(UpdateEncoder encoder, int offset) {
        encoder.writeJSON(embed);
    }

    @Override
    public int getRef() {
        return REF;
    }

    public static ContentEmbed read(UpdateDecoder decoder) {
        return new ContentEmbed(decoder.readJSON());
    }
}
