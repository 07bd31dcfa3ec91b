package dev.mailwright.mailets.dkim;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;

/**
 * RFC 8463 section 3: the ed25519-sha256 signing algorithm computes the SHA-256 hash of the canonicalized header data
 * and signs that hash with PureEdDSA (Ed25519). The JDK's {@code Ed25519} signature is PureEdDSA over whatever it is
 * given, so this {@link Signature} hashes what jDKIM feeds it and hands the 32-byte hash to the JDK at the end.
 */
final class Ed25519OverSha256 extends Signature {
    private final MessageDigest sha256;
    private PrivateKey privateKey;
    private PublicKey publicKey;

    Ed25519OverSha256() throws NoSuchAlgorithmException {
        super("Ed25519-over-SHA256");
        this.sha256 = MessageDigest.getInstance("SHA-256");
    }

    @Override
    protected void engineInitSign(PrivateKey key) throws InvalidKeyException {
        privateKey = key;
        sha256.reset();
    }

    @Override
    protected void engineInitVerify(PublicKey key) throws InvalidKeyException {
        publicKey = key;
        sha256.reset();
    }

    @Override
    protected void engineUpdate(byte b) {
        sha256.update(b);
    }

    @Override
    protected void engineUpdate(byte[] bytes, int offset, int length) {
        sha256.update(bytes, offset, length);
    }

    @Override
    protected byte[] engineSign() throws SignatureException {
        try {
            Signature ed25519 = Signature.getInstance("Ed25519");
            ed25519.initSign(privateKey);
            ed25519.update(sha256.digest());
            return ed25519.sign();
        } catch (GeneralSecurityException e) {
            throw new SignatureException(e.getMessage(), e);
        }
    }

    @Override
    protected boolean engineVerify(byte[] signature) throws SignatureException {
        try {
            Signature ed25519 = Signature.getInstance("Ed25519");
            ed25519.initVerify(publicKey);
            ed25519.update(sha256.digest());
            return ed25519.verify(signature);
        } catch (GeneralSecurityException e) {
            throw new SignatureException(e.getMessage(), e);
        }
    }

    @Override
    @Deprecated
    protected void engineSetParameter(String param, Object value) {
        throw new UnsupportedOperationException();
    }

    @Override
    @Deprecated
    protected Object engineGetParameter(String param) {
        throw new UnsupportedOperationException();
    }
}
