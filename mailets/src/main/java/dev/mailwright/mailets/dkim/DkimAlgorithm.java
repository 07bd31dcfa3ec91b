package dev.mailwright.mailets.dkim;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;

/**
 * The DKIM signing algorithms we make keys for: RSA-2048 with SHA-256 (RFC 6376, what every verifier knows) and
 * Ed25519 with SHA-256 (RFC 8463, a second signature for verifiers that know it).
 */
public enum DkimAlgorithm {
    RSA("rsa", "rsa-sha256"),
    ED25519("ed25519", "ed25519-sha256");

    /** The X.509 SubjectPublicKeyInfo prefix of an Ed25519 key; the raw 32-byte key follows it (RFC 8410). */
    private static final int ED25519_SPKI_PREFIX = 12;

    private final String keyType;
    private final String signatureAlgorithm;

    DkimAlgorithm(String keyType, String signatureAlgorithm) {
        this.keyType = keyType;
        this.signatureAlgorithm = signatureAlgorithm;
    }

    /** The {@code k=} of the DNS record and the name in the key files. */
    public String keyType() {
        return keyType;
    }

    /** The {@code a=} of the signature. */
    public String signatureAlgorithm() {
        return signatureAlgorithm;
    }

    public static DkimAlgorithm parse(String value) {
        for (DkimAlgorithm algorithm : values()) {
            if (algorithm.keyType.equals(value.strip().toLowerCase(Locale.ROOT))) {
                return algorithm;
            }
        }
        throw new IllegalArgumentException("unknown DKIM algorithm '" + value + "' (rsa or ed25519)");
    }

    KeyPair generate() throws GeneralSecurityException {
        if (this == RSA) {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        }
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    /** The JCA key factory name of the key files. */
    String keyFactory() {
        return this == RSA ? "RSA" : "Ed25519";
    }

    /**
     * The {@code p=} of the DNS record: the SubjectPublicKeyInfo for RSA (RFC 6376 3.6.1), the bare 32-byte key for
     * Ed25519 (RFC 8463 4.2).
     */
    String publicKeyData(PublicKey key) {
        byte[] encoded = key.getEncoded();
        if (this == ED25519) {
            encoded = Arrays.copyOfRange(encoded, ED25519_SPKI_PREFIX, encoded.length);
        }
        return Base64.getEncoder().encodeToString(encoded);
    }

    /**
     * What signs the canonicalized header hash input: SHA256withRSA, or for Ed25519 the "PureEdDSA over the SHA-256
     * hash" that RFC 8463 3 asks for (the JDK's Ed25519 signs whole messages, so the hash is taken first).
     */
    Signature newSignature() throws GeneralSecurityException {
        return this == RSA ? Signature.getInstance("SHA256withRSA") : new Ed25519OverSha256();
    }
}
