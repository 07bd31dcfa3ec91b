package dev.mailwright.server.startup;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;

/**
 * The WebAdmin administrator's token: a JWT signed with RS256 that James's WebAdmin JWT filter accepts
 * ({@code sub} is the login it logs, {@code admin: true} grants the administration routes).
 *
 * <p>It carries no expiry: it is a local credential kept in a file only the server's user can read, like a
 * password file; replacing the key pair invalidates it (docs/configuration.md, "WebAdmin authentication").
 */
final class AdminToken {
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private AdminToken() {
    }

    static String mint(PrivateKey key, String subject, Instant issuedAt) throws GeneralSecurityException {
        String header = encode("{\"alg\":\"RS256\",\"typ\":\"JWT\"}");
        String payload = encode("{\"sub\":\"" + subject + "\",\"admin\":true,\"iat\":" + issuedAt.getEpochSecond() + "}");
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(key);
        signature.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
        return header + "." + payload + "." + BASE64URL.encodeToString(signature.sign());
    }

    private static String encode(String json) {
        return BASE64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
