package dev.mailwright.server.startup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;

/**
 * Makes sure every TLS-enabled server has its key and certificate before James reads them.
 *
 * <p>PEM files that the configuration places in the data folder and that do not exist yet are created once as a
 * self-signed certificate for the host name: the server then starts with TLS on first boot, and an administrator
 * replaces the two files (or points {@code <privateKey>}/{@code <certificates>} at a Let's Encrypt
 * {@code privkey.pem}/{@code fullchain.pem}). Files configured anywhere else must exist: a missing Let's Encrypt
 * file is an error, never silently replaced.
 */
public final class TlsMaterial {
    private static final Logger LOGGER = LoggerFactory.getLogger(TlsMaterial.class);

    private TlsMaterial() {
    }

    public static void ensure(ConfigFiles files, Path data, String hostname) throws StartupProblem {
        for (ProtocolServers.Server server : ProtocolServers.enabled(files)) {
            if (server.tls().isEmpty() || !tlsEnabled(server.tls().get())) {
                continue;
            }
            Element tls = server.tls().get();
            String where = server.file() + " (" + server.name() + ")";
            Optional<String> keystore = ConfigFiles.childText(tls, "keystore");
            Optional<String> privateKey = ConfigFiles.childText(tls, "privateKey");
            Optional<String> certificates = ConfigFiles.childText(tls, "certificates");
            if (privateKey.isPresent() && certificates.isPresent()) {
                ensurePem(files, data, hostname, where, privateKey.get(), certificates.get());
            } else if (keystore.isPresent()) {
                Path path = files.resolve(keystore.get()).orElse(null);
                if (path != null && !Files.exists(path)) {
                    throw new StartupProblem(where + ": keystore " + path + " does not exist; create it, or configure "
                        + "<privateKey> and <certificates> PEM files instead");
                }
            } else {
                throw new StartupProblem(where + ": TLS is enabled but neither <privateKey>/<certificates> nor <keystore> is configured");
            }
        }
    }

    private static boolean tlsEnabled(Element tls) {
        return "true".equalsIgnoreCase(tls.getAttribute("startTLS").strip())
            || "true".equalsIgnoreCase(tls.getAttribute("socketTLS").strip());
    }

    private static void ensurePem(ConfigFiles files, Path data, String hostname, String where,
                                  String privateKeyUrl, String certificatesUrl) throws StartupProblem {
        Path key = files.resolve(privateKeyUrl).orElseThrow(() -> new StartupProblem(where
            + ": cannot locate <privateKey> " + privateKeyUrl + "; use file://var/..., file://conf/... or an absolute path"));
        Path chain = files.resolve(certificatesUrl).orElseThrow(() -> new StartupProblem(where
            + ": cannot locate <certificates> " + certificatesUrl + "; use file://var/..., file://conf/... or an absolute path"));
        boolean hasKey = Files.exists(key);
        boolean hasChain = Files.exists(chain);
        if (hasKey && hasChain) {
            return;
        }
        if (hasKey != hasChain) {
            throw new StartupProblem(where + ": " + (hasKey ? chain : key) + " is missing while " + (hasKey ? key : chain)
                + " exists; provide both PEM files, or delete both to get a new self-signed certificate");
        }
        Path dataDir = data.toAbsolutePath().normalize();
        if (!key.toAbsolutePath().normalize().startsWith(dataDir) || !chain.toAbsolutePath().normalize().startsWith(dataDir)) {
            throw new StartupProblem(where + ": TLS files " + key + " and " + chain + " do not exist; check the paths of "
                + "<privateKey> and <certificates>");
        }
        try {
            String fingerprint = SelfSignedCertificate.write(hostname, key, chain);
            LOGGER.warn("Created a self-signed TLS certificate for {} in {} (SHA-256 {}). Clients will not trust it: "
                + "replace {} and {} with a real certificate (e.g. Let's Encrypt privkey.pem and fullchain.pem).",
                hostname, chain.getParent(), fingerprint, key.getFileName(), chain.getFileName());
        } catch (Exception e) {
            throw new StartupProblem("cannot create a self-signed TLS certificate in " + key.getParent() + ": " + e.getMessage(), e);
        }
    }
}
