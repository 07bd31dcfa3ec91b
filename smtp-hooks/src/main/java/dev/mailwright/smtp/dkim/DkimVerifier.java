package dev.mailwright.smtp.dkim;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.Headers;
import org.apache.james.jdkim.api.PublicKeyRecord;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.canon.CompoundOutputStream;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.apache.james.jdkim.exceptions.TempFailException;
import org.apache.james.jdkim.impl.BodyHasherImpl;
import org.apache.james.jdkim.impl.Message;

import dev.mailwright.common.dns.DnsLookup;
import dev.mailwright.smtp.dkim.DkimResult.Result;

/**
 * Verifies every DKIM-Signature of a message (RFC 6376) with jDKIM's parsers, canonicalizers and key handling, but
 * reports each signature's own result: jDKIM's {@code verify} only returns the passing ones and hides why the
 * others failed, and Authentication-Results lists them all. The body is read once for all signatures.
 *
 * <p>Local policy (RFC 8301): {@code rsa-sha1} signatures and RSA keys shorter than 1024 bits do not pass. At most
 * {@value #MAX_SIGNATURES} signatures are verified per message (each costs a DNS query and an RSA verification).
 */
public final class DkimVerifier {
    static final int MAX_SIGNATURES = 5;
    private static final String FIELD = "DKIM-Signature";

    /** jDKIM's building blocks, some of which are only visible to subclasses. */
    private static final class Jdkim extends DKIMVerifier {
        Jdkim(DnsLookup dns) {
            super(new DkimKeys(dns));
        }

        BodyHasherImpl bodyHasher(SignatureRecord record) throws PermFailException {
            return newBodyHasher(record);
        }

        static void hashHeaders(Headers headers, SignatureRecord record, Signature signature)
            throws java.security.SignatureException, PermFailException {
            signatureCheck(headers, record, record.getHeaders(), signature);
        }
    }

    private final Jdkim jdkim;

    public DkimVerifier(DnsLookup dns) {
        this.jdkim = new Jdkim(dns);
    }

    /** Results of the message's signatures, in header order; empty when it has none. */
    public List<DkimResult> verify(InputStream rawMessage) throws IOException {
        Message message;
        try {
            message = new Message(rawMessage);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            return List.of(new DkimResult(Result.PERMERROR, "", "", "", "unparsable message: " + e.getMessage()));
        }
        try {
            return verify(message, message.getBodyInputStream());
        } finally {
            message.dispose();
        }
    }

    private List<DkimResult> verify(Headers headers, InputStream body) throws IOException {
        List<String> fields = headers.getFields(FIELD);
        if (fields == null || fields.isEmpty()) {
            return List.of();
        }
        List<Integer> pending = new ArrayList<>();
        List<Pending> checks = new ArrayList<>();
        for (String field : fields.subList(0, Math.min(fields.size(), MAX_SIGNATURES))) {
            Pending check = checkHeaders(headers, field);
            if (check.bodyHasher != null) {
                pending.add(checks.size());
            }
            checks.add(check);
        }
        List<DkimResult> results = new ArrayList<>(checks.stream().map(check -> check.result).toList());
        if (!pending.isEmpty()) {
            try (OutputStream all = new CompoundOutputStream(
                pending.stream().map(index -> checks.get(index).bodyHasher.getOutputStream()).toList())) {
                body.transferTo(all);
            }
            for (int index : pending) {
                Pending check = checks.get(index);
                if (!Arrays.equals(check.bodyHasher.getDigest(), check.record.getBodyHash())) {
                    results.set(index, withResult(check.result, Result.FAIL, "body hash did not verify"));
                }
            }
        }
        return results;
    }

    /** A signature whose headers verified and whose body hash is still to compare. */
    private static final class Pending {
        final DkimResult result;
        final SignatureRecord record;
        final BodyHasherImpl bodyHasher;

        Pending(DkimResult result, SignatureRecord record, BodyHasherImpl bodyHasher) {
            this.result = result;
            this.record = record;
            this.bodyHasher = bodyHasher;
        }

        static Pending done(DkimResult result) {
            return new Pending(result, null, null);
        }
    }

    private Pending checkHeaders(Headers headers, String field) {
        SignatureRecord record;
        try {
            record = jdkim.newSignatureRecord(field.substring(field.indexOf(':') + 1));
            record.validate();
        } catch (RuntimeException e) {
            return Pending.done(new DkimResult(Result.PERMERROR, "", "", "", "invalid signature: " + e.getMessage()));
        }
        DkimResult identity = new DkimResult(Result.PASS, record.getDToken().toString().toLowerCase(Locale.ROOT),
            record.getSelector().toString(), shortB(record), "");
        try {
            if ("sha1".equalsIgnoreCase(record.getHashMethod().toString())) {
                return Pending.done(withResult(identity, Result.POLICY, "rsa-sha1 is not accepted (RFC 8301)"));
            }
            PublicKeyRecord key = jdkim.publicRecordLookup(record);
            PublicKey publicKey = key.getPublicKey();
            if (publicKey instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < 1024) {
                return Pending.done(withResult(identity, Result.POLICY, "key shorter than 1024 bits (RFC 8301)"));
            }
            Signature signature = Signature.getInstance(record.getHashMethod().toString().toUpperCase(Locale.ROOT)
                + "with" + record.getHashKeyType().toString().toUpperCase(Locale.ROOT));
            signature.initVerify(publicKey);
            Jdkim.hashHeaders(headers, record, signature);
            if (!signature.verify(record.getSignature())) {
                return Pending.done(withResult(identity, Result.FAIL, "signature did not verify"));
            }
            return new Pending(identity, record, jdkim.bodyHasher(record));
        } catch (TempFailException e) {
            return Pending.done(withResult(identity, Result.TEMPERROR, e.getMessage()));
        } catch (PermFailException e) {
            return Pending.done(withResult(identity, Result.PERMERROR, e.getMessage()));
        } catch (GeneralSecurityException | RuntimeException e) {
            return Pending.done(withResult(identity, Result.PERMERROR, e.getMessage()));
        }
    }

    private static DkimResult withResult(DkimResult base, Result result, String reason) {
        return new DkimResult(result, base.domain(), base.selector(), base.b(), reason == null ? "" : reason);
    }

    private static String shortB(SignatureRecord record) {
        String b = Base64.getEncoder().encodeToString(record.getSignature());
        return b.substring(0, Math.min(12, b.length()));
    }
}
