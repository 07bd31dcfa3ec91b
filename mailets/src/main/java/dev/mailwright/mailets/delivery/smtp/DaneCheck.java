package dev.mailwright.mailets.delivery.smtp;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import javax.net.ssl.SSLEngine;

import javax.security.auth.x500.X500Principal;

/**
 * Authenticates the server of one TLS connection by its DNSSEC-validated TLSA records (RFC 7672 3, RFC 7671), not by
 * the CA system:
 * <ul>
 *   <li>DANE-EE(3): the server certificate (or its public key) matches; no name or date check (RFC 7672 3.1.1);</li>
 *   <li>DANE-TA(2): a certificate of the presented chain matches and becomes the trust anchor of that chain, which
 *       must validate (signatures, dates) and whose server certificate must name one of the reference names (the MX
 *       host, the destination domain; RFC 7672 3.2.2).</li>
 * </ul>
 * A certificate that matches no record fails the handshake; the verdict is kept for the delivery trace.
 */
final class DaneCheck extends ServerCertificateCheck {
    private final List<Tlsa> records;
    private final List<String> referenceNames;
    private volatile String verdict = "not checked";

    DaneCheck(List<Tlsa> records, List<String> referenceNames) {
        this.records = records.stream().filter(Tlsa::usable).toList();
        this.referenceNames = referenceNames.stream().map(name -> name.toLowerCase(Locale.ROOT)).toList();
    }

    /** How the server was authenticated, or why not. */
    String verdict() {
        return verdict;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    void check(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw fail("DANE: the server sent no certificate");
        }
        String taProblem = null;
        for (Tlsa record : records) {
            if (record.usage() == Tlsa.DANE_EE && record.matches(chain[0])) {
                verdict = "dane: DANE-EE TLSA " + record + " matched the server certificate";
                return;
            }
        }
        for (Tlsa record : records) {
            if (record.usage() != Tlsa.DANE_TA) {
                continue;
            }
            for (int i = 0; i < chain.length; i++) {
                if (!record.matches(chain[i])) {
                    continue;
                }
                Optional<String> problem = validate(Arrays.copyOfRange(chain, 0, i), chain[i]);
                if (problem.isEmpty()) {
                    verdict = "dane: DANE-TA TLSA " + record + " matched " + chain[i].getSubjectX500Principal().getName(X500Principal.RFC2253)
                        + ", the chain validated and names " + String.join(" or ", referenceNames);
                    return;
                }
                taProblem = problem.get();
            }
        }
        throw fail("DANE: the certificate of the server matches none of its TLSA records " + records
            + (taProblem == null ? "" : " (" + taProblem + ")"));
    }

    /** The chain below the matched trust anchor validates to it, and its server certificate has a reference name. */
    private Optional<String> validate(X509Certificate[] below, X509Certificate anchor) {
        X509Certificate server = below.length == 0 ? anchor : below[0];
        if (below.length > 0) {
            try {
                CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(List.of(below));
                PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
                parameters.setRevocationEnabled(false);
                CertPathValidator.getInstance("PKIX").validate(path, parameters);
            } catch (GeneralSecurityException e) {
                return Optional.of("the chain does not validate to the DANE-TA anchor: " + e.getMessage());
            }
        } else {
            try {
                anchor.checkValidity();
            } catch (CertificateException e) {
                return Optional.of(e.getMessage());
            }
        }
        if (!names(server).stream().anyMatch(this::isReference)) {
            return Optional.of("the server certificate names " + names(server) + ", not " + referenceNames);
        }
        return Optional.empty();
    }

    private boolean isReference(String certificateName) {
        String name = certificateName.toLowerCase(Locale.ROOT);
        for (String reference : referenceNames) {
            if (name.equals(reference)) {
                return true;
            }
            // a wildcard stands for exactly one left-most label (RFC 6125 6.4.3)
            if (name.startsWith("*.") && reference.indexOf('.') > 0 && reference.substring(reference.indexOf('.')).equals(name.substring(1))) {
                return true;
            }
        }
        return false;
    }

    /** The DNS names of the certificate: its subjectAltName entries, else its common name. */
    private static List<String> names(X509Certificate certificate) {
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                List<String> dns = alternatives.stream().filter(entry -> Integer.valueOf(2).equals(entry.get(0)))
                    .map(entry -> String.valueOf(entry.get(1))).toList();
                if (!dns.isEmpty()) {
                    return dns;
                }
            }
        } catch (CertificateParsingException e) {
            // fall back to the common name
        }
        String subject = certificate.getSubjectX500Principal().getName(X500Principal.RFC2253);
        for (String part : subject.split(",")) {
            if (part.startsWith("CN=")) {
                return List.of(part.substring(3));
            }
        }
        return List.of();
    }

    private CertificateException fail(String why) {
        verdict = why;
        return new CertificateException(why);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
