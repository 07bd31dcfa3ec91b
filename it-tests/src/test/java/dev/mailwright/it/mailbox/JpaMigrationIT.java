package dev.mailwright.it.mailbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mailwright.it.support.DnsServer;
import dev.mailwright.it.support.RawImap;
import dev.mailwright.it.support.SmtpClient;
import dev.mailwright.it.support.TestServer;

/**
 * A data folder written by Mailwright 0.1.0 (James's JPA mailbox), made by {@code src/test/fixtures/make-0.1.0-data.sh}
 * with the 0.1.0 code itself, is migrated at the first start of this version: every folder, message (content, UID,
 * flags, internal date, size), UIDVALIDITY/UIDNEXT and subscription reads over IMAP exactly as 0.1.0 answered it
 * ({@code 0.1.0-expected.json}, recorded from 0.1.0 when the fixture was made); SEARCH finds migrated text; new mail
 * continues the UIDs; a second start does not migrate again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JpaMigrationIT {
    private static final Map<String, String> PASSWORDS = Map.of("alice@example.test", "alice-password", "bob@example.test", "bob-password");
    private static final Pattern UID = Pattern.compile("UID (\\d+)");
    private static final Pattern FLAGS = Pattern.compile("FLAGS \\(([^)]*)\\)");
    private static final Pattern SIZE = Pattern.compile("RFC822\\.SIZE (\\d+)");
    private static final Pattern INTERNALDATE = Pattern.compile("INTERNALDATE \"([^\"]+)\"");
    private static final Pattern BODY = Pattern.compile("BODY\\[\\] \\{(\\d+)\\}\r\n", Pattern.DOTALL);

    DnsServer dns;
    TestServer server;
    JsonNode expected;

    @BeforeAll
    void start(@TempDir Path directory) throws Exception {
        Path fixtures = Path.of(System.getProperty("mailwright.fixtures", "src/test/fixtures"));
        expected = new ObjectMapper().readTree(fixtures.resolve("0.1.0-expected.json").toFile());
        dns = DnsServer.start();
        server = TestServer.create(directory, dns);
        Files.createDirectories(server.data());
        Process untar = new ProcessBuilder("tar", "-xzf", fixtures.resolve("0.1.0-data.tar.gz").toAbsolutePath().toString(),
            "-C", server.data().toString()).inheritIO().start();
        assertThat(untar.waitFor()).isZero();
        server.start();
    }

    @AfterAll
    void stop() {
        server.close();
        dns.close();
    }

    @Test
    @Order(1)
    void everyFolderMessageFlagAndSubscriptionReadsAsBefore() throws Exception {
        for (Iterator<Map.Entry<String, JsonNode>> users = expected.fields(); users.hasNext(); ) {
            Map.Entry<String, JsonNode> user = users.next();
            try (RawImap imap = RawImap.login(server.port(143), user.getKey(), PASSWORDS.get(user.getKey()))) {
                JsonNode folders = user.getValue().path("folders");
                // 0.1.0's folders and subscriptions, plus Junk, which this version creates (subscribed) at the
                // first login next to 0.1.0's Spam (DefaultFolders); Spam and its mail stay as they were
                assertThat(names(imap.command("LIST \"\" \"*\""))).as(user.getKey() + " folders")
                    .containsExactlyInAnyOrderElementsOf(withJunk(fieldNames(folders)));
                assertThat(names(imap.command("LSUB \"\" \"*\""))).as(user.getKey() + " subscriptions")
                    .containsExactlyInAnyOrderElementsOf(withJunk(textValues(user.getValue().path("subscriptions"))));
                for (Iterator<Map.Entry<String, JsonNode>> it = folders.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> folder = it.next();
                    checkFolder(imap, user.getKey(), folder.getKey(), folder.getValue());
                }
            }
        }
    }

    private void checkFolder(RawImap imap, String user, String name, JsonNode folder) throws Exception {
        RawImap.Response status = imap.command("STATUS " + RawImap.quote(name) + " (UIDNEXT UIDVALIDITY)");
        assertThat(status.untagged().get(0)).as(user + " " + name)
            .contains("UIDNEXT " + folder.path("uidnext").asLong())
            .contains("UIDVALIDITY " + folder.path("uidvalidity").asLong());
        assertThat(imap.command("EXAMINE " + RawImap.quote(name)).ok()).isTrue();
        List<String> actual = new ArrayList<>();
        if (folder.path("messages").size() > 0) {
            RawImap.Response fetch = imap.command("FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])");
            assertThat(fetch.ok()).as(fetch.tagged()).isTrue();
            for (String untagged : fetch.untagged()) {
                if (untagged.contains(" FETCH ")) {
                    actual.add(describe(untagged));
                }
            }
        }
        List<String> wanted = new ArrayList<>();
        for (JsonNode message : folder.path("messages")) {
            TreeSet<String> flags = new TreeSet<>(textValues(message.path("flags")));
            wanted.add(message.path("uid").asLong() + " " + flags + " " + message.path("size").asLong() + " "
                + message.path("internaldate").asText() + " " + message.path("sha256").asText());
        }
        assertThat(actual).as(user + " " + name).containsExactlyElementsOf(wanted);
    }

    /** uid, flags (without \Recent), size, internal date, SHA-256 of the content: what 0.1.0 recorded. */
    private static String describe(String fetch) throws Exception {
        Matcher body = BODY.matcher(fetch);
        assertThat(body.find()).as(fetch).isTrue();
        int length = Integer.parseInt(body.group(1));
        byte[] content = fetch.substring(body.end(), body.end() + length).getBytes(StandardCharsets.ISO_8859_1);
        String head = fetch.substring(0, body.start()) + fetch.substring(body.end() + length);
        TreeSet<String> flags = new TreeSet<>();
        Matcher flagList = FLAGS.matcher(head);
        if (flagList.find()) {
            for (String flag : flagList.group(1).split(" ")) {
                if (!flag.isBlank() && !flag.equals("\\Recent")) {
                    flags.add(flag);
                }
            }
        }
        return group(UID, head) + " " + flags + " " + group(SIZE, head) + " " + group(INTERNALDATE, head) + " "
            + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }

    private static String group(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        assertThat(matcher.find()).as(pattern + " in " + text).isTrue();
        return matcher.group(1);
    }

    @Test
    @Order(2)
    void searchFindsMigratedTextAndNewMailContinuesTheUids() {
        String user = "alice@example.test";
        JsonNode inbox = expected.path(user).path("folders").path("INBOX");
        try (RawImap imap = RawImap.login(server.port(143), user, PASSWORDS.get(user))) {
            assertThat(imap.command("SELECT INBOX").ok()).isTrue();
            RawImap.Response search = imap.command("UID SEARCH BODY migrationneedle");
            assertThat(search.ok()).isTrue();
            assertThat(search.untagged().get(0).trim().split(" ")).as(search.untagged().get(0)).hasSize(3);
            assertThat(imap.command("CREATE Fresh").ok()).isTrue();
        }
        try (SmtpClient client = SmtpClient.connect(server.port(25))) {
            client.ehlo("test");
            assertThat(client.send("someone@example.test", List.of(user),
                SmtpClient.message("someone@example.test", user, "after the migration", "new")).code()).isEqualTo(250);
        }
        long uidNext = inbox.path("uidnext").asLong();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() -> {
            try (RawImap imap = RawImap.login(server.port(143), user, PASSWORDS.get(user))) {
                assertThat(imap.command("SELECT INBOX").ok()).isTrue();
                RawImap.Response search = imap.command("UID SEARCH SUBJECT \"after the migration\"");
                assertThat(search.untagged().get(0).trim()).isEqualTo("* SEARCH " + uidNext);
            }
        });
    }

    @Test
    @Order(3)
    void aSecondStartDoesNotMigrateAgain() throws IOException {
        server.restart();
        String user = "bob@example.test";
        try (RawImap imap = RawImap.login(server.port(143), user, PASSWORDS.get(user))) {
            RawImap.Response status = imap.command("STATUS INBOX (MESSAGES)");
            assertThat(status.untagged().get(0)).contains("MESSAGES " + expected.path(user).path("folders").path("INBOX").path("messages").size());
        }
    }

    private static List<String> names(RawImap.Response list) {
        List<String> names = new ArrayList<>();
        for (String line : list.untagged()) {
            String name = line.substring(line.lastIndexOf(' ') + 1);
            names.add(name.replace("\"", ""));
        }
        return names;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> withJunk(List<String> names) {
        List<String> all = new ArrayList<>(names);
        if (!all.contains("Junk")) {
            all.add("Junk");
        }
        return all;
    }

    private static List<String> textValues(JsonNode node) {
        List<String> values = new ArrayList<>();
        node.forEach(value -> values.add(value.asText()));
        return values;
    }

}
