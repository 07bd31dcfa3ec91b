package dev.mailwright.mailets.delivery.smtp;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A TLSA record (RFC 6698): certificate usage, selector, matching type and association data. RFC 7672 3.1: for SMTP
 * only DANE-TA(2) and DANE-EE(3) are usable; PKIX-TA(0) and PKIX-EE(1) are not.
 */
public record Tlsa(int usage, int selector, int matchingType, byte[] data) {
    public static final int DANE_TA = 2;
    public static final int DANE_EE = 3;

    public boolean usable() {
        return (usage == DANE_TA || usage == DANE_EE) && (selector == 0 || selector == 1)
            && (matchingType == 0 || matchingType == 1 || matchingType == 2);
    }

    /** Whether {@code certificate} (its DER or its public key, as the selector says) matches the data. */
    public boolean matches(X509Certificate certificate) {
        try {
            byte[] selected = selector == 0 ? certificate.getEncoded() : certificate.getPublicKey().getEncoded();
            byte[] computed = switch (matchingType) {
                case 0 -> selected;
                case 1 -> MessageDigest.getInstance("SHA-256").digest(selected);
                case 2 -> MessageDigest.getInstance("SHA-512").digest(selected);
                default -> null;
            };
            return computed != null && MessageDigest.isEqual(computed, data);
        } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
            return false;
        }
    }

    /** As in a zone file: {@code 3 1 1 0f3c...} (the data abbreviated). */
    @Override
    public String toString() {
        String hex = HexFormat.of().formatHex(data);
        return usage + " " + selector + " " + matchingType + " " + (hex.length() > 16 ? hex.substring(0, 16) + "..." : hex);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Tlsa tlsa && tlsa.usage == usage && tlsa.selector == selector
            && tlsa.matchingType == matchingType && Arrays.equals(tlsa.data, data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data) * 31 + usage * 100 + selector * 10 + matchingType;
    }
}
