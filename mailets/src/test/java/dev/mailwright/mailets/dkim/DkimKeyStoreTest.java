package dev.mailwright.mailets.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mailwright.common.testing.TestClock;
import dev.mailwright.mailets.dkim.DkimKey.State;

class DkimKeyStoreTest {
    private final TestClock clock = new TestClock();
    @TempDir
    Path directory;

    @Test
    void aGeneratedKeyIsRsa2048ActiveAndReadableByTheOwnerOnly() throws Exception {
        DkimKeyStore store = new DkimKeyStore(directory.resolve("dkim"), clock);

        List<DkimKey> keys = store.generate("Example.COM", DkimAlgorithm.RSA);

        assertThat(keys).singleElement().satisfies(key -> {
            assertThat(key.domain()).isEqualTo("example.com");
            assertThat(key.selector()).isEqualTo("20260301r");
            assertThat(key.state()).isEqualTo(State.ACTIVE);
            assertThat(((java.security.interfaces.RSAPublicKey) key.publicKey()).getModulus().bitLength()).isEqualTo(2048);
            assertThat(key.recordName()).isEqualTo("20260301r._domainkey.example.com");
            assertThat(key.record()).startsWith("v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA");
        });
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.resolve("dkim")))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.resolve("dkim/example.com"))))
            .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.resolve("dkim/example.com/20260301r.pem"))))
            .isEqualTo("rw-------");
        assertThat(Files.readString(directory.resolve("dkim/example.com/20260301r.pem"))).startsWith("-----BEGIN PRIVATE KEY-----");

        // a second generate does nothing; another store (a restart) reads the same key
        assertThat(store.generate("example.com", DkimAlgorithm.RSA)).hasSize(1);
        DkimKey reread = new DkimKeyStore(directory.resolve("dkim"), clock).activeKeys("example.com").get(0);
        assertThat(reread.record()).isEqualTo(keys.get(0).record());
        assertThat(reread.privateKey().getEncoded()).isEqualTo(keys.get(0).privateKey().getEncoded());
    }

    @Test
    void anEd25519KeyIsPublishedAsItsBare32Bytes() {
        DkimKeyStore store = new DkimKeyStore(directory, clock);
        store.generate("example.com", DkimAlgorithm.RSA);

        List<DkimKey> keys = store.generate("example.com", DkimAlgorithm.ED25519);

        assertThat(keys).extracting(DkimKey::selector).containsExactly("20260301r", "20260301e");
        DkimKey ed25519 = keys.get(1);
        String p = ed25519.record().substring(ed25519.record().indexOf("p=") + 2);
        assertThat(ed25519.record()).startsWith("v=DKIM1; k=ed25519; p=");
        assertThat(java.util.Base64.getDecoder().decode(p)).hasSize(32);
    }

    @Test
    void aRotationPublishesTheNextKeyFirstThenSwitchesAndKeepsTheOldOnePublishedUntilRemoved() {
        DkimKeyStore store = new DkimKeyStore(directory, clock);
        store.generate("example.com", DkimAlgorithm.RSA);
        store.generate("example.com", DkimAlgorithm.ED25519);
        clock.advance(Duration.ofDays(180));

        List<DkimKey> next = store.prepareRotation("example.com");
        assertThat(next).extracting(DkimKey::selector).containsExactly("20260828r", "20260828e");
        assertThat(store.activeKeys("example.com")).extracting(DkimKey::selector).containsExactly("20260301r", "20260301e");
        assertThat(store.prepareRotation("example.com")).as("one rotation at a time").isEmpty();

        store.completeRotation("example.com");
        assertThat(store.activeKeys("example.com")).extracting(DkimKey::selector).containsExactly("20260828r", "20260828e");
        assertThat(store.keys("example.com")).filteredOn(key -> key.state() == State.RETIRED)
            .extracting(DkimKey::selector).containsExactly("20260301r", "20260301e");
        assertThatThrownBy(() -> store.completeRotation("example.com")).isInstanceOf(IllegalStateException.class);

        assertThatThrownBy(() -> store.remove("example.com", "20260828r")).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("signs mail");
        store.remove("example.com", "20260301r");
        assertThat(store.keys("example.com")).extracting(DkimKey::selector).containsExactly("20260828r", "20260828e", "20260301e");
        assertThat(directory.resolve("example.com/20260301r.pem")).doesNotExist();
    }

    @Test
    void onlyDomainNamesBecomeDirectories() {
        DkimKeyStore store = new DkimKeyStore(directory, clock);
        assertThatThrownBy(() -> store.generate("../etc", DkimAlgorithm.RSA)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.keys("a/b.com")).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.keys("unknown.example")).isEmpty();
    }
}
