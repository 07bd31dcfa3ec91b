package dev.mailwright.mailets.delivery.smtp;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import dev.mailwright.mailets.outcome.SmtpReply;
import dev.mailwright.mailets.wire.CrlfOutputStream;

/**
 * One SMTP or LMTP client connection over a real socket: greeting, EHLO/LHLO, STARTTLS, AUTH PLAIN, and the
 * commands of a transaction, each answered by a {@link SmtpReply}. The message is sent with CRLF line ends and
 * dot-stuffing. It does no policy: {@link SmtpClient} decides what to do with the replies.
 */
final class SmtpConnection implements Closeable {
    private static final int MAX_REPLY_LINES = 100;
    private static final int MAX_LINE = 4096;

    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private Set<String> extensions = Set.of();

    private SmtpConnection(Socket socket) throws IOException {
        use(socket);
    }

    static SmtpConnection open(InetAddress address, int port, Optional<InetAddress> source, Duration connectTimeout,
                               Duration readTimeout) throws IOException {
        Socket socket = new Socket();
        try {
            if (source.isPresent()) {
                socket.bind(new InetSocketAddress(source.get(), 0));
            }
            socket.connect(new InetSocketAddress(address, port), (int) connectTimeout.toMillis());
            socket.setSoTimeout((int) readTimeout.toMillis());
            return new SmtpConnection(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    SmtpReply read() throws IOException {
        List<String> lines = new ArrayList<>();
        int code = -1;
        while (lines.size() < MAX_REPLY_LINES) {
            String line = readLine();
            if (line.length() < 3 || !line.substring(0, 3).chars().allMatch(Character::isDigit)) {
                throw new IOException("not an SMTP reply: " + abbreviate(line));
            }
            code = Integer.parseInt(line.substring(0, 3));
            boolean more = line.length() > 3 && line.charAt(3) == '-';
            lines.add(line.length() > 4 ? line.substring(4) : "");
            if (!more) {
                return new SmtpReply(code, lines);
            }
        }
        throw new IOException("reply longer than " + MAX_REPLY_LINES + " lines");
    }

    SmtpReply command(String line) throws IOException {
        write(line + "\r\n");
        return read();
    }

    /** EHLO (or LHLO for LMTP); for SMTP falls back to HELO when EHLO is refused. Remembers the extensions. */
    SmtpReply hello(String name, boolean lmtp) throws IOException {
        SmtpReply reply = command((lmtp ? "LHLO " : "EHLO ") + name);
        if (!reply.isPositive() && !lmtp) {
            extensions = Set.of();
            return command("HELO " + name);
        }
        Set<String> keywords = new TreeSet<>();
        for (String line : reply.lines().subList(1, reply.lines().size())) {
            keywords.add(line.strip().toUpperCase(Locale.ROOT));
        }
        extensions = keywords;
        return reply;
    }

    boolean supports(String keyword) {
        String wanted = keyword.toUpperCase(Locale.ROOT);
        return extensions.stream().anyMatch(line -> line.equals(wanted) || line.startsWith(wanted + " "));
    }

    /**
     * Switches to TLS after a 220 to STARTTLS. {@code peerName} is the name the certificate is checked against and
     * sent as SNI (the MX host name, never the address we connected to).
     */
    SSLSocket startTls(SSLContext context, String peerName) throws IOException {
        SSLSocket tls = (SSLSocket) context.getSocketFactory()
            .createSocket(socket, peerName, socket.getPort(), true);
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        if (peerName.indexOf(':') < 0 && !peerName.matches("[0-9.]+")) {
            parameters.setServerNames(List.of(new SNIHostName(peerName)));
        }
        tls.setSSLParameters(parameters);
        tls.setUseClientMode(true);
        tls.startHandshake();
        use(tls);
        extensions = Set.of();
        return tls;
    }

    /** What writes the message (headers and body) to the DATA stream. */
    interface Message {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes the message with CRLF line ends (a bare LF gets its CR) and leading dots doubled, then the final dot. */
    void sendData(Message message) throws IOException {
        DotStuffing stuffed = new DotStuffing(out);
        CrlfOutputStream lines = new CrlfOutputStream(stuffed);
        message.writeTo(lines);
        lines.flush();
        if (!lines.atLineStart()) {
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Doubles a dot at the start of a line (RFC 5321 4.5.2); the lines already end with CRLF. */
    private static final class DotStuffing extends OutputStream {
        private final OutputStream out;
        private boolean lineStart = true;

        DotStuffing(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            if (lineStart && b == '.') {
                out.write('.');
            }
            out.write(b);
            lineStart = b == '\n';
        }
    }

    boolean isEncrypted() {
        return socket instanceof SSLSocket;
    }

    InetAddress remoteAddress() {
        return socket.getInetAddress();
    }

    /** QUIT, ignoring a server that already went away. */
    void quit() {
        try {
            command("QUIT");
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    private void write(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                return line.toString();
            }
            if (line.length() < MAX_LINE) {
                line.append((char) b);
            }
        }
        throw new IOException(line.length() == 0 ? "connection closed by the server" : "connection closed in a reply");
    }

    private void use(Socket newSocket) throws IOException {
        this.socket = newSocket;
        this.in = new BufferedInputStream(newSocket.getInputStream());
        this.out = new BufferedOutputStream(newSocket.getOutputStream());
    }

    private static String abbreviate(String line) {
        return line.length() > 80 ? line.substring(0, 80) + "..." : line;
    }
}
