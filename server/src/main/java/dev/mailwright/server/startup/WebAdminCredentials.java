package dev.mailwright.server.startup;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure WebAdmin's JWT authentication has its key and the administrator has a token before James starts.
 *
 * <p>With {@code jwt.enabled=true} in {@code conf/webadmin.properties} and the public key
 * ({@code jwt.publickeypem.url}) in the data folder, a missing key pair is created once: the public key where the
 * URL says, the private key ({@value #PRIVATE_KEY}) and the administrator's token ({@value #TOKEN}) beside it, both
 * readable by the server's user only. {@code ./mailwright admin} sends that token. A public key configured outside
 * the data folder is the administrator's own (tokens minted elsewhere) and must exist.
 */
public final class WebAdminCredentials {
    public static final String PRIVATE_KEY = "jwt-private.pem";
    public static final String TOKEN = "admin.token";
    private static final Logger LOGGER = LoggerFactory.getLogger(WebAdminCredentials.class);

    private WebAdminCredentials() {
    }

    public static void ensure(ConfigFiles files, Path data) throws StartupProblem {
        Optional<Properties> properties = files.properties("webadmin.properties");
        if (properties.isEmpty() || !enabled(properties.get(), "enabled")) {
            return;
        }
        if (!enabled(properties.get(), "jwt.enabled")) {
            LOGGER.warn("WebAdmin authentication is off (jwt.enabled=false in webadmin.properties): every local user and "
                + "process can administer this server");
            return;
        }
        String url = properties.get().getProperty("jwt.publickeypem.url", "").strip();
        if (url.isEmpty()) {
            throw new StartupProblem("webadmin.properties: jwt.enabled=true needs jwt.publickeypem.url (e.g. file://var/webadmin/jwt-public.pem)");
        }
        Path publicKey = files.resolve(url).orElseThrow(() -> new StartupProblem(
            "webadmin.properties: cannot locate jwt.publickeypem.url " + url + "; use file://var/..., file://conf/... or an absolute path"));
        Path folder = publicKey.toAbsolutePath().getParent();
        Path privateKey = folder.resolve(PRIVATE_KEY);
        Path token = folder.resolve(TOKEN);
        boolean ours = publicKey.toAbsolutePath().normalize().startsWith(data.toAbsolutePath().normalize());
        try {
            if (!Files.exists(publicKey)) {
                if (!ours) {
                    throw new StartupProblem("webadmin.properties: the JWT public key " + publicKey + " does not exist");
                }
                KeyPair keys = newKeyPair();
                SecretFile.write(privateKey, SelfSignedCertificate.pem(keys.getPrivate()));
                Files.writeString(publicKey, SelfSignedCertificate.pem(keys.getPublic()), StandardCharsets.US_ASCII);
                SecretFile.write(token, AdminToken.mint(keys.getPrivate(), "admin", Instant.now()) + "\n");
                LOGGER.info("Created the WebAdmin key pair and the administrator's token {} (readable by this user only)", token);
            } else if (ours && Files.exists(privateKey) && !Files.exists(token)) {
                SecretFile.write(token, AdminToken.mint(readPrivateKey(privateKey), "admin", Instant.now()) + "\n");
                LOGGER.info("Created the administrator's WebAdmin token {}", token);
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new StartupProblem("cannot create the WebAdmin credentials in " + folder + ": " + e.getMessage(), e);
        }
    }

    private static boolean enabled(Properties properties, String key) {
        return "true".equalsIgnoreCase(properties.getProperty(key, "false").strip());
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static PrivateKey readPrivateKey(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(reader)) {
            Object object = parser.readObject();
            if (!(object instanceof PrivateKeyInfo info)) {
                throw new IOException(file + " holds no PKCS#8 private key");
            }
            return new JcaPEMKeyConverter().getPrivateKey(info);
        }
    }
}
