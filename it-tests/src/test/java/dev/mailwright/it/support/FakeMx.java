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
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * The receiving SMTP (or LMTP) server of another organization, on a loopback port: a real listener that takes mail
 * and records what it received. The test scripts it: the reply to each RCPT (default {@code 250}), the reply after
 * DATA, STARTTLS with a certificate (or a broken handshake), AUTH PLAIN for a smarthost, LMTP mode with one reply
 * per recipient, or a server that accepts the connection and never speaks.
 */
public final class FakeMx implements AutoCloseable {

    /** A message as the remote server received it; {@code tls} and {@code authUser} tell how the session was. */
    public record Received(String sender, List<String> recipients, String data, String clientAddress, String helo,
                           boolean tls, String authUser) {
    }

    private final ServerSocket listener;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile Function<String, String> rcptReply = rcpt -> "250 2.1.5 OK";
    private volatile Function<String, String> dataReply = rcpt -> "250 2.0.0 queued as fake";
    private volatile SSLContext tls;
    private volatile boolean brokenTls;
    private volatile String authUser;
    private volatile String authPassword;
    private volatile boolean lmtp;
    private volatile boolean silent;

    private FakeMx(ServerSocket listener) {
        this.listener = listener;
    }

    /**
     * An MX as DNS finds it: port 25 on {@code address} (a 127.0.0.x address of its own, or ::1). Binding port 25
     * needs root, as under .ci/run.
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
            Thread acceptor = new Thread(mx::acceptLoop, "fake-mx-" + port);
            acceptor.setDaemon(true);
            acceptor.start();
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

    /**
     * The reply after the message (SMTP: one, given the first recipient; LMTP: one per accepted recipient). A
     * non-2xx reply means the message is not kept.
     */
    public FakeMx dataReply(Function<String, String> reply) {
        this.dataReply = reply;
        return this;
    }

    /** Offers STARTTLS with this server context. */
    public FakeMx starttls(SSLContext context) {
        this.tls = context;
        return this;
    }

    /** Offers STARTTLS, answers 220, then breaks the handshake (closes the connection). */
    public FakeMx brokenStarttls() {
        this.brokenTls = true;
        return this;
    }

    /** Offers AUTH PLAIN (after STARTTLS when TLS is offered) and requires it before MAIL. */
    public FakeMx requireAuth(String user, String password) {
        this.authUser = user;
        this.authPassword = password;
        return this;
    }

    /** Speaks LMTP: LHLO, and one reply per accepted recipient after the message. */
    public FakeMx lmtp() {
        this.lmtp = true;
        return this;
    }

    /** Accepts connections and never says anything (a hung server: the client must time out). */
    public FakeMx silent() {
        this.silent = true;
        return this;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Received messages whose data contains {@code text} (e.g. a subject line). */
    public List<Received> receivedWith(String text) {
        return received.stream().filter(mail -> mail.data().contains(text)).toList();
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
                connections.incrementAndGet();
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

    /** The state of one connection. */
    private final class Session {
        Socket socket;
        BufferedReader in;
        OutputStream out;
        boolean encrypted;
        String authenticated;
        String helo;
        String sender;
        final List<String> recipients = new ArrayList<>();

        Session(Socket socket) throws IOException {
            use(socket);
        }

        void use(Socket newSocket) throws IOException {
            socket = newSocket;
            in = new BufferedReader(new InputStreamReader(newSocket.getInputStream(), StandardCharsets.UTF_8));
            out = newSocket.getOutputStream();
        }

        void reply(String text) throws IOException {
            out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        boolean authOffered() {
            return authUser != null && (tls == null || encrypted);
        }

        String ehloReply() {
            List<String> lines = new ArrayList<>(List.of("fake-mx", "8BITMIME", "PIPELINING"));
            if ((tls != null || brokenTls) && !encrypted) {
                lines.add("STARTTLS");
            }
            if (authOffered()) {
                lines.add("AUTH PLAIN");
            }
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < lines.size(); i++) {
                text.append("250").append(i == lines.size() - 1 ? " " : "-").append(lines.get(i));
                if (i < lines.size() - 1) {
                    text.append("\r\n");
                }
            }
            return text.toString();
        }
    }

    private void serve(Socket client) {
        try (client) {
            client.setSoTimeout(60_000);
            if (silent) {
                // read until the client gives up; never greet
                while (client.getInputStream().read() != -1) {
                    // ignore
                }
                return;
            }
            Session session = new Session(client);
            session.reply("220 fake-mx " + (lmtp ? "LMTP" : "ESMTP"));
            String line;
            while ((line = session.in.readLine()) != null) {
                if (!command(session, line)) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    /** Handles one command; false when the session is over. */
    private boolean command(Session session, String line) throws IOException {
        String upper = line.toUpperCase();
        if (upper.startsWith("EHLO") || upper.startsWith("LHLO")) {
            if (lmtp != upper.startsWith("LHLO")) {
                session.reply("500 5.5.1 " + (lmtp ? "this is LMTP: LHLO" : "this is SMTP: EHLO"));
                return true;
            }
            session.helo = line.substring(4).strip();
            session.reply(session.ehloReply());
        } else if (upper.startsWith("HELO") && !lmtp) {
            session.helo = line.substring(4).strip();
            session.reply("250 fake-mx");
        } else if (upper.equals("STARTTLS") && (tls != null || brokenTls) && !session.encrypted) {
            session.reply("220 2.0.0 ready to start TLS");
            if (brokenTls) {
                session.out.write("this is not a TLS handshake\r\n".getBytes(StandardCharsets.US_ASCII));
                session.out.flush();
                return false;
            }
            SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(session.socket,
                session.socket.getInetAddress().getHostAddress(), session.socket.getPort(), true);
            secure.setUseClientMode(false);
            secure.startHandshake();
            session.use(secure);
            session.encrypted = true;
            session.helo = null;
        } else if (upper.startsWith("AUTH PLAIN ") && session.authOffered()) {
            String[] parts = new String(Base64.getDecoder().decode(line.substring(11).strip()), StandardCharsets.UTF_8).split("\0");
            if (parts.length == 3 && parts[1].equals(authUser) && parts[2].equals(authPassword)) {
                session.authenticated = parts[1];
                session.reply("235 2.7.0 Authentication successful");
            } else {
                session.reply("535 5.7.8 Authentication credentials invalid");
            }
        } else if (upper.startsWith("MAIL FROM:")) {
            if (authUser != null && session.authenticated == null) {
                session.reply("530 5.7.0 Authentication required");
                return true;
            }
            session.sender = address(line.substring(10));
            session.recipients.clear();
            session.reply("250 2.1.0 OK");
        } else if (upper.startsWith("RCPT TO:")) {
            String recipient = address(line.substring(8));
            String answer = rcptReply.apply(recipient);
            if (answer.startsWith("2")) {
                session.recipients.add(recipient);
            }
            session.reply(answer);
        } else if (upper.equals("DATA")) {
            if (session.recipients.isEmpty()) {
                session.reply("554 5.5.1 no valid recipients");
                return true;
            }
            session.reply("354 go ahead");
            StringBuilder data = new StringBuilder();
            String dataLine;
            while ((dataLine = session.in.readLine()) != null && !dataLine.equals(".")) {
                data.append(dataLine.startsWith("..") ? dataLine.substring(1) : dataLine).append("\r\n");
            }
            List<String> kept = new ArrayList<>();
            List<String> answers = new ArrayList<>();
            for (String recipient : lmtp ? session.recipients : session.recipients.subList(0, 1)) {
                String answer = dataReply.apply(recipient);
                answers.add(answer);
                if (answer.startsWith("2")) {
                    kept.add(recipient);
                }
            }
            if (!lmtp) {
                kept = answers.get(0).startsWith("2") ? List.copyOf(session.recipients) : List.of();
            }
            if (!kept.isEmpty()) {
                received.add(new Received(session.sender, List.copyOf(kept), data.toString(),
                    session.socket.getInetAddress().getHostAddress(), session.helo, session.encrypted,
                    session.authenticated));
            }
            for (String answer : answers) {
                session.reply(answer);
            }
        } else if (upper.equals("RSET") || upper.equals("NOOP")) {
            session.reply("250 2.0.0 OK");
        } else if (upper.equals("QUIT")) {
            session.reply("221 2.0.0 bye");
            return false;
        } else {
            session.reply("502 5.5.2 not implemented");
        }
        return true;
    }

    private static String address(String argument) {
        String value = argument.strip();
        int space = value.indexOf(' ');
        if (space > 0) {
            value = value.substring(0, space);
        }
        return value.replace("<", "").replace(">", "");
    }
}
