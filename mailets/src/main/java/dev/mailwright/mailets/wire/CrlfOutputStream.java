package dev.mailwright.mailets.wire;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a message with CRLF line ends: a bare LF gets its CR. The SMTP client sends messages through it and the DKIM
 * signer hashes through it, so what is signed is byte for byte what is sent.
 */
public final class CrlfOutputStream extends FilterOutputStream {
    private int previous = -1;

    public CrlfOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        if (b == '\n' && previous != '\r') {
            out.write('\r');
        }
        out.write(b);
        previous = b;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        for (int i = offset; i < offset + length; i++) {
            write(bytes[i]);
        }
    }

    /** Whether the last byte written ended a line. */
    public boolean atLineStart() {
        return previous == -1 || previous == '\n';
    }
}
