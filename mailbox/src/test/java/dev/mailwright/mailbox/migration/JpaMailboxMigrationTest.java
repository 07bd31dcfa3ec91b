package dev.mailwright.mailbox.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import javax.mail.Flags;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.UidValidity;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.apache.james.mailbox.store.mail.model.StandardNames;
import org.apache.james.mailbox.store.user.model.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.google.common.collect.ImmutableList;

import dev.mailwright.mailbox.db.Dialect;
import dev.mailwright.mailbox.db.Schema;
import dev.mailwright.mailbox.model.JdbcMailboxId;
import dev.mailwright.mailbox.support.TestDatabase;
import dev.mailwright.mailbox.support.TestStore;

/**
 * The migration on tables shaped as OpenJPA creates them for James's JPA mailbox, on Derby and on PostgreSQL (the
 * end-to-end test with a data folder made by 0.1.0 itself is {@code JpaMigrationIT} in it-tests).
 */
class JpaMailboxMigrationTest {
    private static final String[] TABLES = {"JAMES_MAIL_USERFLAG", "JAMES_MAIL_PROPERTY", "JAMES_MAIL", "JAMES_MAILBOX",
        "JAMES_SUBSCRIPTION", "JAMES_MAILBOX_ANNOTATION"};
    private TestDatabase database;

    @AfterEach
    void dropJpaTables() throws Exception {
        if (database != null) {
            dropAll(database);
            Schema.removeSetting(database.database(), JpaMailboxMigration.SETTING);
            database.clean();
        }
    }

    @Test
    void migratesOnDerby() throws Exception {
        migrates(TestDatabase.derby());
    }

    @Test
    void migratesOnPostgres() throws Exception {
        migrates(TestDatabase.postgres());
    }

    private void migrates(TestDatabase db) throws Exception {
        database = db;
        TestStore store = TestStore.on(db, java.time.Clock.systemUTC());
        Schema.removeSetting(db.database(), JpaMailboxMigration.SETTING);
        createJpaTables(db);

        var result = new JpaMailboxMigration(db.database(), store.blobs()).runIfNeeded();

        assertThat(result).isPresent();
        assertThat(result.get().messages()).isEqualTo(3);
        Mailbox inbox = store.mappers().createMailboxMapper(null).findMailboxByPath(MailboxPath.inbox(Username.of("alice@example.test"))).block();
        assertThat(inbox.getMailboxId()).isEqualTo(JdbcMailboxId.of(7));
        assertThat(inbox.getUidValidity()).isEqualTo(UidValidity.of(1234));
        MessageMapper messages = store.mappers().createMessageMapper(null);
        assertThat(messages.getLastUid(inbox)).contains(MessageUid.of(12));
        assertThat(messages.countMessagesInMailbox(inbox)).isEqualTo(2);
        assertThat(messages.getHighestModSeq(inbox).asLong()).isEqualTo(40);
        List<MailboxMessage> stored = ImmutableList.copyOf(messages.findInMailbox(inbox, MessageRange.all(), MessageMapper.FetchType.FULL, -1));
        assertThat(stored).extracting(message -> message.getUid().asLong()).containsExactly(3L, 12L);
        MailboxMessage first = stored.get(0);
        Flags flags = first.createFlags();
        assertThat(flags.contains(Flags.Flag.SEEN)).isTrue();
        assertThat(flags.contains(Flags.Flag.FLAGGED)).isFalse();
        assertThat(flags.getUserFlags()).containsExactlyInAnyOrder("$Forwarded", "custom");
        assertThat(first.getModSeq().asLong()).isEqualTo(5);
        assertThat(first.getInternalDate().toInstant()).isEqualTo(Instant.parse("2024-01-02T03:04:05Z"));
        assertThat(first.getProperties().getContentTypeParameters()).containsEntry("charset", "utf-8");
        try (InputStream content = first.getFullContent(); InputStream body = first.getBodyContent()) {
            assertThat(new String(content.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("Subject: one\r\n\r\nfirst body\r\n");
            assertThat(new String(body.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("first body\r\n");
        }
        assertThat(store.mappers().createSubscriptionMapper(null).findSubscriptionsForUser(Username.of("alice@example.test")))
            .containsExactly(new Subscription(Username.of("alice@example.test"), "INBOX"));
        assertThat(store.mappers().createAnnotationMapper(null).getAllAnnotations(inbox.getMailboxId())).hasSize(1);

        Mailbox created = store.mappers().createMailboxMapper(null)
            .create(MailboxPath.forUser(Username.of("alice@example.test"), "New"), UidValidity.of(1)).block();
        assertThat(JdbcMailboxId.of(created.getMailboxId()).value()).as("ids continue after the migrated ones").isGreaterThan(8);
        assertThat(new JpaMailboxMigration(db.database(), store.blobs()).runIfNeeded()).as("done once").isEmpty();
    }

    private static void createJpaTables(TestDatabase db) throws Exception {
        boolean postgres = db.database().dialect() == Dialect.POSTGRES;
        String bool = postgres ? "BOOLEAN" : "SMALLINT";
        String lob = postgres ? "BYTEA" : "BLOB";
        try (Connection connection = db.database().dataSource().getConnection(); Statement statement = connection.createStatement()) {
            dropAll(db);
            statement.execute("CREATE TABLE JAMES_MAILBOX (MAILBOX_ID BIGINT NOT NULL PRIMARY KEY, MAILBOX_HIGHEST_MODSEQ BIGINT, "
                + "MAILBOX_LAST_UID BIGINT, MAILBOX_NAME VARCHAR(200) NOT NULL, MAILBOX_NAMESPACE VARCHAR(200) NOT NULL, "
                + "MAILBOX_UID_VALIDITY BIGINT NOT NULL, USER_NAME VARCHAR(200))");
            statement.execute("CREATE TABLE JAMES_MAIL (MAILBOX_ID BIGINT NOT NULL, MAIL_UID BIGINT NOT NULL, MAIL_IS_ANSWERED " + bool
                + " NOT NULL, MAIL_BODY_START_OCTET INTEGER NOT NULL, MAIL_CONTENT_OCTETS_COUNT BIGINT NOT NULL, MAIL_IS_DELETED " + bool
                + " NOT NULL, MAIL_IS_DRAFT " + bool + " NOT NULL, MAIL_IS_FLAGGED " + bool + " NOT NULL, MAIL_DATE TIMESTAMP, "
                + "MAIL_MIME_TYPE VARCHAR(200), MAIL_MODSEQ BIGINT, MAIL_IS_RECENT " + bool + " NOT NULL, MAIL_IS_SEEN " + bool
                + " NOT NULL, MAIL_MIME_SUBTYPE VARCHAR(200), MAIL_TEXTUAL_LINE_COUNT BIGINT, HEADER_BYTES " + lob + " NOT NULL, MAIL_BYTES "
                + lob + " NOT NULL, PRIMARY KEY (MAILBOX_ID, MAIL_UID))");
            statement.execute("CREATE TABLE JAMES_MAIL_USERFLAG (USERFLAG_ID BIGINT NOT NULL PRIMARY KEY, USERFLAG_NAME VARCHAR(500) NOT NULL, "
                + "MAILBOX_ID BIGINT, MAIL_UID BIGINT)");
            statement.execute("CREATE TABLE JAMES_MAIL_PROPERTY (PROPERTY_ID BIGINT NOT NULL PRIMARY KEY, PROPERTY_LINE_NUMBER INTEGER NOT NULL, "
                + "PROPERTY_LOCAL_NAME VARCHAR(500) NOT NULL, PROPERTY_NAME_SPACE VARCHAR(500) NOT NULL, PROPERTY_VALUE VARCHAR(1024) NOT NULL, "
                + "MAILBOX_ID BIGINT, MAIL_UID BIGINT)");
            statement.execute("CREATE TABLE JAMES_SUBSCRIPTION (SUBSCRIPTION_ID BIGINT NOT NULL PRIMARY KEY, MAILBOX_NAME VARCHAR(100) NOT NULL, "
                + "USER_NAME VARCHAR(100) NOT NULL)");
            statement.execute("CREATE TABLE JAMES_MAILBOX_ANNOTATION (ANNOTATION_KEY VARCHAR(200) NOT NULL, MAILBOX_ID BIGINT NOT NULL, "
                + "VALUE VARCHAR(255), PRIMARY KEY (ANNOTATION_KEY, MAILBOX_ID))");
            statement.execute("INSERT INTO JAMES_MAILBOX VALUES (7, 40, 12, 'INBOX', '#private', 1234, 'alice@example.test')");
            statement.execute("INSERT INTO JAMES_MAILBOX VALUES (8, 2, 1, 'Archive', '#private', 99, 'alice@example.test')");
            insertMail(connection, postgres, 7, 3, 5, true, "Subject: one\r\n\r\n", "first body\r\n");
            insertMail(connection, postgres, 7, 12, 40, false, "Subject: two\r\n\r\n", "second body\r\n");
            insertMail(connection, postgres, 8, 1, 2, false, "Subject: archived\r\n\r\n", "third body\r\n");
            statement.execute("INSERT INTO JAMES_MAIL_USERFLAG VALUES (1, '$Forwarded', 7, 3)");
            statement.execute("INSERT INTO JAMES_MAIL_USERFLAG VALUES (2, 'custom', 7, 3)");
            statement.execute("INSERT INTO JAMES_MAIL_PROPERTY VALUES (1, 0, 'charset', '" + StandardNames.MIME_CONTENT_TYPE_PARAMETER_SPACE + "', 'utf-8', 7, 3)");
            statement.execute("INSERT INTO JAMES_SUBSCRIPTION VALUES (1, 'INBOX', 'alice@example.test')");
            statement.execute("INSERT INTO JAMES_MAILBOX_ANNOTATION VALUES ('/private/comment', 7, 'hello')");
        }
    }

    private static void insertMail(Connection connection, boolean postgres, long mailbox, long uid, long modseq, boolean seen,
                                   String header, String body) throws Exception {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO JAMES_MAIL (MAILBOX_ID, MAIL_UID, MAIL_IS_ANSWERED, "
            + "MAIL_BODY_START_OCTET, MAIL_CONTENT_OCTETS_COUNT, MAIL_IS_DELETED, MAIL_IS_DRAFT, MAIL_IS_FLAGGED, MAIL_DATE, "
            + "MAIL_MIME_TYPE, MAIL_MODSEQ, MAIL_IS_RECENT, MAIL_IS_SEEN, MAIL_MIME_SUBTYPE, MAIL_TEXTUAL_LINE_COUNT, HEADER_BYTES, "
            + "MAIL_BYTES) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setLong(1, mailbox);
            insert.setLong(2, uid);
            setBoolean(insert, 3, false, postgres);
            insert.setInt(4, header.length());
            insert.setLong(5, header.length() + body.length());
            setBoolean(insert, 6, false, postgres);
            setBoolean(insert, 7, false, postgres);
            setBoolean(insert, 8, false, postgres);
            insert.setTimestamp(9, Timestamp.from(Instant.parse("2024-01-02T03:04:05Z")));
            insert.setString(10, "text");
            insert.setLong(11, modseq);
            setBoolean(insert, 12, false, postgres);
            setBoolean(insert, 13, seen, postgres);
            insert.setString(14, "plain");
            insert.setLong(15, 1);
            insert.setBytes(16, header.getBytes(StandardCharsets.US_ASCII));
            insert.setBytes(17, body.getBytes(StandardCharsets.US_ASCII));
            insert.executeUpdate();
        }
    }

    private static void setBoolean(PreparedStatement statement, int index, boolean value, boolean postgres) throws Exception {
        if (postgres) {
            statement.setBoolean(index, value);
        } else {
            statement.setShort(index, (short) (value ? 1 : 0));
        }
    }

    private static void dropAll(TestDatabase db) {
        for (String table : TABLES) {
            try (Connection connection = db.database().dataSource().getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("DROP TABLE " + table);
            } catch (Exception e) {
                // not there
            }
        }
    }
}
