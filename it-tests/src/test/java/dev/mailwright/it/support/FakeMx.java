package dev.mailwright.it.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The receiving SMTP server of another organization, on a loopback port: a real SMTP listener that takes mail
 * (no STARTTLS), answers each RCPT with a reply chosen by the test (default {@code 250}), and records what it
 * received.
 */
public final class FakeMx implements AutoCloseable {

    /** A message as the remote server received it. */
    public record Received(String sender, List<String> recipients, String data, String clientAddress, String helo) {
    }

    private final ServerSocket listener;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile Function<String, String> rcptReply = rcpt -> "250 2.1.5 OK";
    private volatile Thread acceptor;

    private FakeMx(ServerSocket listener) {
        this.listener = listener;
    }

    /**
     * An MX as DNS finds it: port 25 on {@code address} (a 127.0.0.x address of its own). Binding port 25 needs
     * root, as under .ci/run.
     */
    public static FakeMx start(String address) {
        return start(address, 25);
    }

    public static FakeMx start(String address, int port) {
        try {
            ServerSocket listener = new ServerSocket();
            listener.setReuseAddress(true);
            try {
                listener.bind(new InetSocketAddress(InetAddress.getByName(address), port));
            } catch (java.net.BindException e) {
                listener.close();
                throw new IllegalStateException("cannot listen on " + address + ":" + port + " (" + e.getMessage()
                    + "): the delivery tests put remote MX servers on port 25 of 127.0.0.x addresses, which needs root "
                    + "(or CAP_NET_BIND_SERVICE), as under .ci/run", e);
            }
            FakeMx mx = new FakeMx(listener);
            mx.acceptor = new Thread(mx::acceptLoop, "fake-mx-" + port);
            mx.acceptor.setDaemon(true);
            mx.acceptor.start();
            return mx;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String address() {
        return listener.getInetAddress().getHostAddress();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** The reply to {@code RCPT TO} for each recipient address (e.g. {@code "550 5.1.1 no such user"}). */
    public FakeMx rcptReply(Function<String, String> reply) {
        this.rcptReply = reply;
        return this;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Thread session = new Thread(() -> serve(client), "fake-mx-session");
                session.setDaemon(true);
                session.start();
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            client.setSoTimeout(60_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = client.getOutputStream();
            reply(out, "220 fake-mx ESMTP");
            String sender = null;
            String helo = null;
            List<String> recipients = new ArrayList<>();
            String line;
            while ((line = in.readLine()) != null) {
                String upper = line.toUpperCase();
                if (upper.startsWith("EHLO") || upper.startsWith("HELO")) {
                    helo = line.substring(4).strip();
                    reply(out, upper.startsWith("EHLO") ? "250-fake-mx\r\n250 8BITMIME" : "250 fake-mx");
                } else if (upper.startsWith("MAIL FROM:")) {
                    sender = address(line.substring(10));
                    recipients.clear();
                    reply(out, "250 2.1.0 OK");
                } else if (upper.startsWith("RCPT TO:")) {
                    String recipient = address(line.substring(8));
                    String answer = rcptReply.apply(recipient);
                    if (answer.startsWith("2")) {
                        recipients.add(recipient);
                    }
                    reply(out, answer);
                } else if (upper.equals("DATA")) {
                    if (recipients.isEmpty()) {
                        reply(out, "554 5.5.1 no valid recipients");
                        continue;
                    }
                    reply(out, "354 go ahead");
                    StringBuilder data = new StringBuilder();
                    String dataLine;
                    while ((dataLine = in.readLine()) != null && !dataLine.equals(".")) {
                        data.append(dataLine.startsWith("..") ? dataLine.substring(1) : dataLine).append("\r\n");
                    }
                    received.add(new Received(sender, List.copyOf(recipients), data.toString(),
                        client.getInetAddress().getHostAddress(), helo));
                    reply(out, "250 2.0.0 queued as fake");
                } else if (upper.equals("RSET") || upper.equals("NOOP")) {
                    reply(out, "250 2.0.0 OK");
                } else if (upper.equals("QUIT")) {
                    reply(out, "221 2.0.0 bye");
                    return;
                } else {
                    reply(out, "502 5.5.2 not implemented");
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static String address(String argument) {
        String value = argument.strip();
        int space = value.indexOf(' ');
        if (space > 0) {
            value = value.substring(0, space);
        }
        return value.replace("<", "").replace(">", "");
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
