package dev.mailwright.mailets.delivery.nexthop;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import dev.mailwright.mailets.delivery.smtp.TrustAnchors;

/**
 * Fetches {@code https://mta-sts.DOMAIN/.well-known/mta-sts.txt} as RFC 8461 3.3 asks: the host is resolved by the
 * server's resolver (not the JVM's), the certificate must be valid for {@code mta-sts.DOMAIN}, redirects are not
 * followed, only a 200 with {@code text/plain} counts, and size and time are bounded. A plain HTTP/1.0 request keeps
 * the reading simple (no chunked encoding).
 */
public final class HttpsPolicyFetcher implements PolicyFetcher {
    static final int MAX_BYTES = 64 * 1024;

    private final NextHopResolver resolver;
    private final TrustAnchors trust;
    private final Duration timeout;

    public HttpsPolicyFetcher(NextHopResolver resolver, TrustAnchors trust, Duration timeout) {
        this.resolver = resolver;
        this.trust = trust;
        this.timeout = timeout;
    }

    @Override
    public String fetch(String domain) throws IOException {
        String host = "mta-sts." + domain;
        List<InetAddress> addresses;
        try {
            addresses = resolver.addresses(host).addresses();
        } catch (DeliveryFailure e) {
            throw new IOException(e.getMessage(), e);
        }
        if (addresses.isEmpty()) {
            throw new IOException(host + " has no address");
        }
        IOException last = null;
        for (InetAddress address : addresses) {
            try {
                return fetch(host, address);
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    private String fetch(String host, InetAddress address) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(address, 443), (int) timeout.toMillis());
            plain.setSoTimeout((int) timeout.toMillis());
            SSLSocket tls = (SSLSocket) TrustAnchors.context(trust.newCheck(true)).getSocketFactory()
                .createSocket(plain, host, 443, true);
            SSLParameters parameters = tls.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            parameters.setServerNames(List.of(new SNIHostName(host)));
            tls.setSSLParameters(parameters);
            tls.startHandshake();
            tls.getOutputStream().write(("GET /.well-known/mta-sts.txt HTTP/1.0\r\nHost: " + host
                + "\r\nUser-Agent: Mailwright\r\nAccept: text/plain\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            tls.getOutputStream().flush();
            return body(tls.getInputStream(), deadline);
        } catch (GeneralSecurityException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static String body(InputStream in, long deadline) throws IOException {
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        int read;
        while ((read = in.read(buffer)) != -1) {
            response.write(buffer, 0, read);
            if (response.size() > MAX_BYTES + 8192) {
                throw new IOException("policy larger than " + MAX_BYTES + " bytes");
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("policy fetch took too long");
            }
        }
        String text = response.toString(StandardCharsets.UTF_8);
        int headerEnd = text.indexOf("\r\n\r\n");
        if (headerEnd < 0) {
            throw new IOException("incomplete HTTP response");
        }
        String[] headers = text.substring(0, headerEnd).split("\r\n");
        if (!headers[0].matches("HTTP/1\\.[01] 200( .*)?")) {
            throw new IOException("policy fetch answered " + headers[0]);
        }
        boolean plainText = false;
        for (String header : headers) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-type:") && lower.substring(13).strip().startsWith("text/plain")) {
                plainText = true;
            }
        }
        if (!plainText) {
            throw new IOException("policy is not text/plain");
        }
        String body = text.substring(headerEnd + 4);
        if (body.length() > MAX_BYTES) {
            throw new IOException("policy larger than " + MAX_BYTES + " bytes");
        }
        return body;
    }
}
