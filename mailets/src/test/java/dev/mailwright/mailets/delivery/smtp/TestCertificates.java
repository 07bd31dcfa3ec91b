package dev.mailwright.mailets.delivery.smtp;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates for the DANE checks: a CA, server certificates it issues, self-signed ones. */
final class TestCertificates {
    record Issued(X509Certificate certificate, KeyPair keys) {
    }

    private TestCertificates() {
    }

    static Issued authority(String name) throws Exception {
        KeyPair keys = keys();
        X509v3CertificateBuilder builder = builder(new X500Name("CN=" + name), new X500Name("CN=" + name), keys, Duration.ofDays(2));
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        return new Issued(sign(builder, keys), keys);
    }

    /** A server certificate for {@code dnsName}, issued by {@code issuer} (self-signed when null), valid for {@code validity}. */
    static Issued server(String dnsName, Issued issuer, Duration validity) throws Exception {
        KeyPair keys = keys();
        X500Name issuerName = issuer == null ? new X500Name("CN=" + dnsName)
            : new X500Name(issuer.certificate().getSubjectX500Principal().getName());
        X509v3CertificateBuilder builder = builder(issuerName, new X500Name("CN=" + dnsName), keys, validity);
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
        return new Issued(sign(builder, issuer == null ? keys : issuer.keys()), keys);
    }

    static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    private static KeyPair keys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        return generator.generateKeyPair();
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys, Duration validity) {
        Instant now = Instant.now();
        Instant start = validity.isNegative() ? now.plus(validity).minus(Duration.ofDays(1)) : now.minus(Duration.ofHours(1));
        Instant end = validity.isNegative() ? now.plus(validity) : now.plus(validity);
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(now.toEpochMilli()), Date.from(start), Date.from(end),
            subject, keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA")
            .build(signer.getPrivate())));
    }
}
