package dev.mailwright.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A raw IMAP connection that shows every line the server sends: for tests of the protocol itself (literals,
 * limits, refusals), where a mail library would hide what happened. Self-signed certificates are trusted.
 */
public final class ImapConnection implements AutoCloseable {
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final String greeting;

    private ImapConnection(Socket socket) throws IOException {
        use(socket);
        greeting = readLine();
    }

    public static ImapConnection connect(String sourceAddress, int port) {
        try {
            Socket socket = new Socket();
            socket.bind(new InetSocketAddress(InetAddress.getByName(sourceAddress), 0));
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
            socket.setSoTimeout(30_000);
            return new ImapConnection(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void use(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    public String greeting() {
        return greeting;
    }

    /** STARTTLS and the TLS handshake; fails unless the server agreed. */
    public ImapConnection startTls() {
        List<String> reply = command("s1 STARTTLS");
        if (!reply.get(reply.size() - 1).startsWith("s1 OK")) {
            throw new IllegalStateException("STARTTLS refused: " + reply);
        }
        try {
            use(SmtpClient.handshake(socket));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Sends a tagged command line and returns every line up to its tagged answer (or the end of the connection). */
    public List<String> command(String line) {
        send(line + "\r\n");
        return untilTagged(line.substring(0, line.indexOf(' ')));
    }

    public List<String> untilTagged(String tag) {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = readLine();
            if (line == null) {
                return lines;
            }
            lines.add(line);
            if (line.startsWith(tag + " ")) {
                return lines;
            }
        }
    }

    public void send(String text) {
        send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public void send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One line without its CRLF; null at the end of the connection. */
    public String readLine() {
        try {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1) {
                if (b == '\n') {
                    String text = line.toString(StandardCharsets.ISO_8859_1);
                    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
                }
                line.write(b);
            }
            return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
        } catch (SocketTimeoutException e) {
            throw new IllegalStateException("no answer from the IMAP server within the timeout", e);
        } catch (IOException e) {
            return null;
        }
    }

    /** Whether the server closed the connection (reads what is left, up to {@code timeoutMillis}). */
    public boolean closedByServer(int timeoutMillis) {
        try {
            socket.setSoTimeout(timeoutMillis);
            while (true) {
                if (in.read() == -1) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
