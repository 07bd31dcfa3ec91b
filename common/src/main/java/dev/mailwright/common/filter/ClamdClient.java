package dev.mailwright.common.filter;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;

/**
 * A client of clamd's stream scan ({@code zINSTREAM}, the protocol of {@code clamdscan --stream}) over TCP
 * ({@code host:port}) or a local socket ({@code unix:/run/clamav/clamd.ctl}). Every call has one deadline for the
 * whole exchange: past it the socket is closed under the call, which then fails with {@link ScanUnavailable}.
 */
public final class ClamdClient {
    private static final int CHUNK = 64 * 1024;

    /** What clamd said about a stream. */
    public record Result(boolean infected, String signature) {
        public static Result clean() {
            return new Result(false, "");
        }
    }

    private final String address;
    private final SocketAddress socketAddress;
    private final Duration deadline;

    public ClamdClient(String address, Duration deadline) {
        this.address = address.strip();
        this.socketAddress = parse(this.address);
        this.deadline = deadline;
    }

    /** {@code host:port}, {@code [v6]:port} or {@code unix:/path}. */
    static SocketAddress parse(String address) {
        if (address.startsWith("unix:")) {
            return UnixDomainSocketAddress.of(Path.of(address.substring("unix:".length())));
        }
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new IllegalArgumentException("'" + address + "' is not host:port or unix:/path");
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + address + "' has no valid port");
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    public String address() {
        return address;
    }

    /** Scans {@code content} (a whole message: clamd decodes its MIME parts and attachments itself). */
    public Result scan(ContentWriter content) throws ScanUnavailable {
        String reply = exchange("zINSTREAM\0", channel -> {
            try (OutputStream chunks = new ChunkedStream(channel)) {
                content.writeTo(chunks);
            }
            writeAll(channel, ByteBuffer.allocate(4).putInt(0).flip());
        });
        // "stream: OK", "stream: Eicar-Signature FOUND", "INSTREAM size limit exceeded. ERROR"
        if (reply.endsWith(" FOUND")) {
            String signature = reply.substring(reply.indexOf(':') + 1, reply.length() - " FOUND".length()).strip();
            return new Result(true, signature);
        }
        if (reply.endsWith(": OK")) {
            return Result.clean();
        }
        throw new ScanUnavailable("clamd answered: " + reply);
    }

    /** clamd's {@code PING}: null when it answers {@code PONG}, else what went wrong. */
    public String ping() {
        try {
            String reply = exchange("zPING\0", channel -> { });
            return "PONG".equals(reply) ? null : "clamd answered " + reply;
        } catch (ScanUnavailable e) {
            return e.getMessage();
        }
    }

    /** Writes a message's bytes; called once per scan. */
    @FunctionalInterface
    public interface ContentWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    @FunctionalInterface
    private interface Body {
        void send(SocketChannel channel) throws IOException;
    }

    private String exchange(String command, Body body) throws ScanUnavailable {
        SocketChannel channel;
        try {
            channel = socketAddress instanceof UnixDomainSocketAddress
                ? SocketChannel.open(StandardProtocolFamily.UNIX)
                : SocketChannel.open();
        } catch (IOException e) {
            throw new ScanUnavailable("clamd " + address + ": " + e.getMessage());
        }
        ScheduledFuture<?> watchdog = Deadlines.closeAfter(channel, deadline);
        try (channel) {
            SocketAddress target = socketAddress instanceof InetSocketAddress unresolved && unresolved.isUnresolved()
                ? new InetSocketAddress(unresolved.getHostString(), unresolved.getPort())
                : socketAddress;
            channel.connect(target);
            writeAll(channel, ByteBuffer.wrap(command.getBytes(StandardCharsets.US_ASCII)));
            body.send(channel);
            return readReply(channel);
        } catch (IOException e) {
            if (watchdog.isDone()) {
                throw new ScanUnavailable("clamd " + address + ": no answer within " + deadline.toMillis() + " ms");
            }
            throw new ScanUnavailable("clamd " + address + ": " + describe(e));
        } finally {
            watchdog.cancel(false);
        }
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String readReply(SocketChannel channel) throws IOException {
        InputStream in = java.nio.channels.Channels.newInputStream(channel);
        StringBuilder reply = new StringBuilder();
        int b;
        while ((b = in.read()) > 0 && reply.length() < 1024) {
            reply.append((char) b);
        }
        return reply.toString().strip();
    }

    private static void writeAll(SocketChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** clamd's stream framing: each chunk preceded by its length (4 bytes, network order). */
    private static final class ChunkedStream extends OutputStream {
        private final SocketChannel channel;
        private final ByteBuffer chunk = ByteBuffer.allocate(CHUNK + 4);

        ChunkedStream(SocketChannel channel) {
            this.channel = channel;
            chunk.position(4);
        }

        @Override
        public void write(int b) throws IOException {
            if (chunk.remaining() == 0) {
                flushChunk();
            }
            chunk.put((byte) b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            while (length > 0) {
                if (chunk.remaining() == 0) {
                    flushChunk();
                }
                int n = Math.min(length, chunk.remaining());
                chunk.put(bytes, offset, n);
                offset += n;
                length -= n;
            }
        }

        private void flushChunk() throws IOException {
            int length = chunk.position() - 4;
            if (length == 0) {
                return;
            }
            chunk.putInt(0, length);
            chunk.flip();
            writeAll(channel, chunk);
            chunk.clear();
            chunk.position(4);
        }

        @Override
        public void close() throws IOException {
            flushChunk();
        }
    }
}
