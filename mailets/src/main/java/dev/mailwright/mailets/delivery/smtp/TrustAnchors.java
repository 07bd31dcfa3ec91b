package dev.mailwright.mailets.delivery.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The certificate authorities outbound TLS trusts: the JDK's by default, or a trust store file (PKCS12 or JKS) for a
 * private CA (and for tests, which use a test CA). Each connection gets its own {@link CertificateCheck}.
 */
public final class TrustAnchors {
    private final X509ExtendedTrustManager trusted;

    private TrustAnchors(X509ExtendedTrustManager trusted) {
        this.trusted = trusted;
    }

    public static TrustAnchors load(Optional<Path> trustStore, char[] password) throws GeneralSecurityException, IOException {
        KeyStore store = null;
        if (trustStore.isPresent()) {
            String type = trustStore.get().toString().endsWith(".jks") ? "JKS" : "PKCS12";
            store = KeyStore.getInstance(type);
            try (InputStream in = Files.newInputStream(trustStore.get())) {
                store.load(in, password);
            }
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        X509ExtendedTrustManager manager = Arrays.stream(factory.getTrustManagers())
            .filter(X509ExtendedTrustManager.class::isInstance)
            .map(X509ExtendedTrustManager.class::cast)
            .findFirst()
            .orElseThrow(() -> new GeneralSecurityException("no X509 trust manager"));
        return new TrustAnchors(manager);
    }

    public CertificateCheck newCheck(boolean enforced) {
        return new CertificateCheck(trusted, enforced);
    }

    public static SSLContext context(X509ExtendedTrustManager check) throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {check}, new SecureRandom());
        return context;
    }
}
