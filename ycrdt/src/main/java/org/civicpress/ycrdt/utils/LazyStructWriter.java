package org.civicpress.ycrdt.utils;

import java.util.ArrayList;
import java.util.List;
import org.civicpress.ycrdt.lib0.Encoder;

/**
 * updates.js LazyStructWriter: writes structs client section by client section. The number of
 * structs of a section is only known at its end, so each section's rest bytes are buffered and
 * the sections are assembled by {@link #finish()}.
 */
public final class LazyStructWriter {
    private record Section(long written, byte[] rest) {}

    private final UpdateEncoder encoder;
    private final List<Section> clientStructs = new ArrayList<>();
    private long currClient;
    private long written;

    public LazyStructWriter(UpdateEncoder encoder) {
        this.encoder = encoder;
    }

    public void write(LazyStruct struct, long offset) {
        if (written > 0 && currClient != struct.client) {
            flush();
        }
        if (written == 0) {
            currClient = struct.client;
            encoder.writeClient(struct.client);
            encoder.restEncoder().writeVarUint(struct.clock + offset);
        }
        struct.write(encoder, offset);
        written++;
    }

    private void flush() {
        if (written > 0) {
            clientStructs.add(new Section(written, encoder.restEncoder().toUint8Array()));
            encoder.setRestEncoder(new Encoder());
            written = 0;
        }
    }

    /** Writes the section count and all sections into a fresh rest encoder (then the delete set follows). */
    public void finish() {
        flush();
        Encoder restEncoder = encoder.restEncoder();
        restEncoder.writeVarUint(clientStructs.size());
        for (Section part : clientStructs) {
            restEncoder.writeVarUint(part.written);
            restEncoder.writeUint8Array(part.rest);
        }
    }
}
