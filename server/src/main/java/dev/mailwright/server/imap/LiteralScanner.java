package dev.mailwright.server.imap;

import io.netty.buffer.ByteBuf;

/**
 * Follows the bytes an IMAP client sends: command lines, and the literals ({@code {N}}, {@code {N+}},
 * {@code ~{N}}) they announce at their end. It reports each announced literal before any of its bytes arrive and
 * the end of each command, so that limits can be enforced before James's decoder buffers anything. Pure: no I/O.
 *
 * <p>A literal is announced by a line ending in {@code {digits}} or {@code {digits+}} (RFC 9051, RFC 7888); its
 * bytes follow the line's CRLF and are skipped (they may contain anything), then the same command continues on the
 * next line. A line without a literal at its end ends the command.
 */
final class LiteralScanner {
    /** What the scanner found. */
    interface Listener {
        /** A literal of {@code size} bytes is announced (Long.MAX_VALUE if the number does not fit); false stops. */
        boolean literal(long size);

        void commandEnd();
    }

    private static final int TAIL = 32;

    private final byte[] tail = new byte[TAIL];
    private int tailLength;
    private long literalRemaining;

    /**
     * Reads the readable bytes of {@code buffer} without consuming them. Returns false as soon as the listener
     * refuses a literal (the rest of the buffer is then not scanned).
     */
    boolean scan(ByteBuf buffer, Listener listener) {
        int index = buffer.readerIndex();
        int end = buffer.writerIndex();
        while (index < end) {
            if (literalRemaining > 0) {
                long skip = Math.min(literalRemaining, end - index);
                literalRemaining -= skip;
                index += (int) skip;
                continue;
            }
            byte b = buffer.getByte(index++);
            if (b == '\n') {
                long size = announcedLiteral();
                tailLength = 0;
                if (size >= 0) {
                    if (!listener.literal(size)) {
                        return false;
                    }
                    literalRemaining = size;
                } else {
                    listener.commandEnd();
                }
            } else {
                remember(b);
            }
        }
        return true;
    }

    private void remember(byte b) {
        if (tailLength == TAIL) {
            System.arraycopy(tail, 1, tail, 0, TAIL - 1);
            tailLength--;
        }
        tail[tailLength++] = b;
    }

    /** The size announced at the end of the line just ended, or -1 if the line announces no literal. */
    private long announcedLiteral() {
        int last = tailLength - 1;
        if (last >= 0 && tail[last] == '\r') {
            last--;
        }
        if (last < 0 || tail[last] != '}') {
            return -1;
        }
        int digitsEnd = last;
        if (digitsEnd - 1 >= 0 && (tail[digitsEnd - 1] == '+' || tail[digitsEnd - 1] == '-')) {
            digitsEnd--;
        }
        int digitsStart = digitsEnd;
        while (digitsStart - 1 >= 0 && tail[digitsStart - 1] >= '0' && tail[digitsStart - 1] <= '9') {
            digitsStart--;
        }
        if (digitsStart == digitsEnd || digitsStart - 1 < 0 || tail[digitsStart - 1] != '{') {
            return -1;
        }
        long size = 0;
        for (int i = digitsStart; i < digitsEnd; i++) {
            if (size > (Long.MAX_VALUE - 9) / 10) {
                return Long.MAX_VALUE;
            }
            size = size * 10 + (tail[i] - '0');
        }
        return size;
    }
}
