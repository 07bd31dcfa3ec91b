package dev.mailwright.server.startup;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed certificate for the server's host name, written as PEM files ({@code privkey.pem} unencrypted
 * PKCS#8 readable by the owner only, {@code fullchain.pem}), the same shape as a Let's Encrypt certificate so that
 * replacing it is copying two files.
 */
public final class SelfSignedCertificate {
    static final Duration VALIDITY = Duration.ofDays(365);

    private SelfSignedCertificate() {
    }

    /** Writes the pair and returns the certificate's SHA-256 fingerprint. */
    public static String write(String hostname, Path privateKeyFile, Path certificateFile) throws IOException, GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048, new SecureRandom());
        KeyPair keys = generator.generateKeyPair();

        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=" + hostname + ",O=Mailwright self-signed");
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
            new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE),
            Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject, keys.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(new GeneralName(GeneralName.dNSName, hostname)));
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        X509Certificate certificate;
        try {
            certificate = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }

        Files.createDirectories(privateKeyFile.toAbsolutePath().getParent());
        Files.createDirectories(certificateFile.toAbsolutePath().getParent());
        SecretFile.write(privateKeyFile, pem(keys.getPrivate()));
        Files.writeString(certificateFile, pem(certificate), StandardCharsets.US_ASCII);
        return HexFormat.ofDelimiter(":").withUpperCase()
            .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    }

    static String pem(Object object) throws IOException {
        Writer out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            // JcaPEMWriter writes a private key as PKCS#8 "PRIVATE KEY" through its generator
            writer.writeObject(object instanceof java.security.PrivateKey key
                ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null) : object);
        }
        return out.toString();
    }
}
