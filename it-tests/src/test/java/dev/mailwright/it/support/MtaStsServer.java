package dev.mailwright.it.support;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * The HTTPS side of MTA-STS for tests: serves {@code /.well-known/mta-sts.txt} on port 443 of a loopback address
 * (root, as under .ci/run), one policy per {@code mta-sts.DOMAIN} host name (by the Host header), with a
 * certificate of the test CA.
 */
public final class MtaStsServer implements AutoCloseable {
    private final HttpsServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    private MtaStsServer(HttpsServer server) {
        this.server = server;
    }

    public static MtaStsServer start(String address, SSLContext tls, Map<String, String> policies) {
        try {
            HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getByName(address), 443), 10);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            MtaStsServer server = new MtaStsServer(https);
            https.createContext("/.well-known/mta-sts.txt", exchange -> {
                String host = String.valueOf(exchange.getRequestHeaders().getFirst("Host")).replaceAll(":\\d+$", "");
                server.requests.add(host);
                String policy = policies.get(host);
                byte[] body = (policy != null ? policy : "no policy for " + host).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain");
                exchange.sendResponseHeaders(policy != null ? 200 : 404, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            https.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve HTTPS on " + address + ":443 (root needed, as under .ci/run)", e);
        }
    }

    public String address() {
        return server.getAddress().getAddress().getHostAddress();
    }

    /** The host names policies were asked for, in order. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
