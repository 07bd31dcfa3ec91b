package dev.mailwright.it.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A plain SMTP client over a real socket that shows every reply as the server sent it, so tests can assert codes
 * and enhanced status codes. It can connect from another loopback address (127.0.0.9 = "a client on the internet",
 * outside the server's trusted loopback 127.0.0.1).
 */
public final class SmtpClient implements AutoCloseable {
    public static final String OUTSIDE = "127.0.0.9";

    /** One SMTP reply: code and full text (all lines). */
    public record Reply(int code, String text) {
        public boolean positive() {
            return code >= 200 && code < 400;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private Socket socket;
    private BufferedReader in;
    private OutputStream out;
    private final Reply greeting;

    private SmtpClient(Socket socket) throws IOException {
        use(socket);
        this.greeting = read();
    }

    public static SmtpClient connect(int port) {
        return connect("127.0.0.1", port, false);
    }

    public static SmtpClient connectFrom(String sourceAddress, int port) {
        return connect(sourceAddress, port, false);
    }

    public static SmtpClient connectTls(int port) {
        return connect("127.0.0.1", port, true);
    }

    private static SmtpClient connect(String sourceAddress, int port, boolean implicitTls) {
        try {
            Socket socket = new Socket();
            socket.bind(new InetSocketAddress(InetAddress.getByName(sourceAddress), 0));
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
            socket.setSoTimeout(30_000);
            if (implicitTls) {
                socket = handshake(socket);
            }
            return new SmtpClient(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Reply greeting() {
        return greeting;
    }

    public Reply ehlo(String name) {
        return command("EHLO " + name);
    }

    public Reply startTls() {
        Reply reply = command("STARTTLS");
        if (reply.code() == 220) {
            try {
                use(handshake(socket));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return reply;
    }

    public boolean isEncrypted() {
        return socket instanceof SSLSocket;
    }

    /** The certificate the server presented, once the connection is encrypted. */
    public X509Certificate peerCertificate() {
        if (!(socket instanceof SSLSocket tls)) {
            throw new IllegalStateException("the connection is not encrypted");
        }
        try {
            return (X509Certificate) tls.getSession().getPeerCertificates()[0];
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            throw new IllegalStateException(e);
        }
    }

    public Reply authPlain(String user, String password) {
        String token = Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
        return command("AUTH PLAIN " + token);
    }

    public Reply mailFrom(String sender) {
        return command("MAIL FROM:<" + sender + ">");
    }

    public Reply rcptTo(String recipient) {
        return command("RCPT TO:<" + recipient + ">");
    }

    /** DATA, the message, and the final dot; returns the reply to the message (or to DATA if it was refused). */
    public Reply data(String message) {
        Reply reply = command("DATA");
        if (reply.code() != 354) {
            return reply;
        }
        StringBuilder body = new StringBuilder();
        for (String line : message.replace("\r\n", "\n").split("\n", -1)) {
            body.append(line.startsWith(".") ? "." + line : line).append("\r\n");
        }
        body.append(".\r\n");
        write(body.toString());
        return read();
    }

    /** A whole transaction; stops at the first refusal and returns it, or the reply after DATA. */
    public Reply send(String sender, List<String> recipients, String message) {
        Reply reply = mailFrom(sender);
        if (!reply.positive()) {
            return reply;
        }
        for (String recipient : recipients) {
            reply = rcptTo(recipient);
            if (!reply.positive()) {
                return reply;
            }
        }
        return data(message);
    }

    public Reply command(String line) {
        write(line + "\r\n");
        return read();
    }

    public Reply quit() {
        return command("QUIT");
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** A minimal RFC 5322 message. */
    public static String message(String from, String to, String subject, String body) {
        return "From: <" + from + ">\r\nTo: <" + to + ">\r\nSubject: " + subject
            + "\r\nMessage-ID: <" + System.nanoTime() + "@test>\r\n\r\n" + body + "\r\n";
    }

    /** The next reply, or null when the server has closed the connection instead. */
    public Reply readReply() {
        try {
            return read();
        } catch (UncheckedIOException closed) {
            return null;
        }
    }

    /** Sends {@code text} as it is (no CRLF added). */
    public void write(String text) {
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Reply read() {
        try {
            List<String> lines = new ArrayList<>();
            while (true) {
                String line = in.readLine();
                if (line == null) {
                    if (lines.isEmpty()) {
                        throw new IOException("connection closed by the server");
                    }
                    break;
                }
                lines.add(line);
                if (line.length() < 4 || line.charAt(3) != '-') {
                    break;
                }
            }
            return new Reply(Integer.parseInt(lines.get(lines.size() - 1).substring(0, 3)), String.join("\n", lines));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void use(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        this.out = socket.getOutputStream();
    }

    static SSLSocket handshake(Socket plain) throws IOException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {TRUST_ALL}, new SecureRandom());
            SSLSocket tls = (SSLSocket) context.getSocketFactory()
                .createSocket(plain, plain.getInetAddress().getHostAddress(), plain.getPort(), true);
            tls.setUseClientMode(true);
            tls.startHandshake();
            return tls;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    /** The test server's certificate is self-signed: trust it (these tests are about SMTP, not PKI). */
    public static final X509TrustManager TRUST_ALL = new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    };
}
