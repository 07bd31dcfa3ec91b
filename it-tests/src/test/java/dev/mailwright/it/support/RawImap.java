package dev.mailwright.it.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * A plain IMAP client that shows every answer as the server sent it (tagged status, untagged lines with their
 * literals inline): for tests that must see each BAD or NO, not a library's retry. STARTTLS, then LOGIN, as a mail
 * client does on 143.
 */
public final class RawImap implements AutoCloseable {
    private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)\\}$");

    public record Response(String status, String tagged, List<String> untagged) {
        public boolean ok() {
            return "OK".equals(status);
        }

        @Override
        public String toString() {
            return tagged;
        }
    }

    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private int tag;

    private RawImap(Socket socket) throws IOException {
        use(socket);
    }

    public static RawImap login(int port, String user, String password) {
        try {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(60_000);
            RawImap imap = new RawImap(socket);
            imap.readLine();
            Response startTls = imap.command("STARTTLS");
            if (!startTls.ok()) {
                throw new IllegalStateException("STARTTLS refused: " + startTls);
            }
            imap.use(handshake(socket));
            Response login = imap.command("LOGIN " + quote(user) + " " + quote(password));
            if (!login.ok()) {
                throw new IllegalStateException("LOGIN refused: " + login);
            }
            return imap;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    public Response command(String command) {
        try {
            String current = "a" + (++tag);
            write((current + " " + command + "\r\n").getBytes(StandardCharsets.UTF_8));
            return readResponse(current);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends a raw line (e.g. {@code a9 IDLE}, then {@code DONE}); read what follows with {@link #nextLine()}. */
    public void writeLine(String line) {
        try {
            write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next response line (literals inline), waiting at most {@code timeout}. */
    public String nextLine(java.time.Duration timeout) {
        try {
            int previous = socket.getSoTimeout();
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            try {
                return readFullLine();
            } finally {
                socket.setSoTimeout(previous);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** APPEND with a synchronizing literal. */
    public Response append(String folder, String flags, byte[] message) {
        try {
            String current = "a" + (++tag);
            write((current + " APPEND " + quote(folder) + " (" + flags + ") {" + message.length + "}\r\n").getBytes(StandardCharsets.UTF_8));
            String line = readLine();
            if (!line.startsWith("+")) {
                return new Response(line.split(" ").length > 1 ? line.split(" ")[1] : "BAD", line, List.of());
            }
            write(message);
            write("\r\n".getBytes(StandardCharsets.US_ASCII));
            return readResponse(current);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Response readResponse(String current) throws IOException {
        List<String> untagged = new ArrayList<>();
        while (true) {
            String line = readFullLine();
            if (line.startsWith(current + " ")) {
                String rest = line.substring(current.length() + 1);
                String status = rest.split(" ", 2)[0];
                return new Response(status, line, untagged);
            }
            untagged.add(line);
        }
    }

    /** A response line with its literals ({n} then n bytes) inline. */
    private String readFullLine() throws IOException {
        StringBuilder full = new StringBuilder();
        String line = readLine();
        while (true) {
            full.append(line);
            Matcher literal = LITERAL.matcher(line);
            if (!literal.find()) {
                return full.toString();
            }
            int length = Integer.parseInt(literal.group(1));
            byte[] bytes = in.readNBytes(length);
            full.append("\r\n").append(new String(bytes, StandardCharsets.ISO_8859_1));
            line = readLine();
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed by the server");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
    }

    private void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    private void use(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    private static SSLSocket handshake(Socket plain) throws IOException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {SmtpClient.TRUST_ALL}, new SecureRandom());
            SSLSocket tls = (SSLSocket) context.getSocketFactory()
                .createSocket(plain, plain.getInetAddress().getHostAddress(), plain.getPort(), true);
            tls.setUseClientMode(true);
            tls.startHandshake();
            return tls;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    @Override
    public void close() {
        try {
            command("LOGOUT");
        } catch (RuntimeException e) {
            // closing anyway
        }
        try {
            socket.close();
        } catch (IOException e) {
            // closed
        }
    }
}
