package dev.mailwright.mailets.delivery.smtp;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Optional;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Checks the server certificate of one TLS connection (chain to a trusted CA, and the host name, which the socket's
 * endpoint identification asks for) and remembers the verdict for the delivery trace. When verification is not
 * {@code enforced} (opportunistic TLS) a failed check is recorded but the handshake goes on: encryption without
 * authentication still beats plain text.
 */
public final class CertificateCheck extends ServerCertificateCheck {
    private final X509ExtendedTrustManager trusted;
    private final boolean enforced;
    private volatile String failure;
    private volatile boolean checked;

    CertificateCheck(X509ExtendedTrustManager trusted, boolean enforced) {
        this.trusted = trusted;
        this.enforced = enforced;
    }

    /** Empty when the certificate verified, else why not (or "not checked" before any handshake). */
    public Optional<String> failure() {
        if (!checked) {
            return Optional.of("not checked");
        }
        return Optional.ofNullable(failure);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        verify(() -> trusted.checkServerTrusted(chain, authType, socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        verify(() -> trusted.checkServerTrusted(chain, authType, engine));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verify(() -> trusted.checkServerTrusted(chain, authType));
    }

    private interface Check {
        void run() throws CertificateException;
    }

    private void verify(Check check) throws CertificateException {
        checked = true;
        try {
            check.run();
            failure = null;
        } catch (CertificateException e) {
            failure = String.valueOf(e.getMessage());
            if (enforced) {
                throw e;
            }
        }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return trusted.getAcceptedIssuers();
    }
}
