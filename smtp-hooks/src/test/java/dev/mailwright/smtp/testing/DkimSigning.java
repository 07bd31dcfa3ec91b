package dev.mailwright.smtp.testing;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;

import org.apache.james.jdkim.DKIMSigner;

import dev.mailwright.common.dns.FakeDns;

/** DKIM keys and signatures for tests, made with jDKIM's signer. */
public final class DkimSigning {
    private DkimSigning() {
    }

    /** A new RSA key pair whose public key is published as {@code selector._domainkey.domain}. */
    public static KeyPair publishKey(FakeDns dns, String selector, String domain, int bits) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(bits);
        KeyPair pair = generator.generateKeyPair();
        dns.txt(selector + "._domainkey." + domain,
            "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()));
        return pair;
    }

    /** The message with a DKIM-Signature of {@code domain} (relaxed/relaxed, From, To, Subject, Message-ID) prepended. */
    public static String sign(String message, KeyPair key, String domain, String selector, String algorithm) throws Exception {
        DKIMSigner signer = new DKIMSigner("v=1; a=" + algorithm + "; c=relaxed/relaxed; d=" + domain + "; s=" + selector
            + "; h=from:to:subject:message-id; bh=; b=;", key.getPrivate());
        String field = signer.sign(new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)));
        return field + "\r\n" + message;
    }
}
