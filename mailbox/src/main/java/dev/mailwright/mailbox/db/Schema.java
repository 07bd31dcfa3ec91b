package dev.mailwright.mailbox.db;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;

/**
 * The tables of the mailbox store, created at start when missing (first start, any node). All names start with
 * {@code MW_} so that they never meet the JPA tables of James ({@code JAMES_*}) in the same database.
 *
 * <ul>
 *   <li>{@code MW_MAILBOX}: one row per folder; its {@code LAST_UID} and {@code HIGHEST_MODSEQ} are the counters that
 *       every write to the folder increments under the row's lock, which orders the writes of all servers sharing
 *       the database; {@code MESSAGE_COUNT} is kept in the same transactions (counting a large folder's rows for
 *       every "how many messages" would grow with the folder).</li>
 *   <li>{@code MW_MESSAGE}: one row per message: flags, sizes, dates, the MIME properties IMAP needs, the header block
 *       (when it fits the row), and the reference of the body in the blob store ({@code BLOB_FROM_BODY}: 1 when the
 *       blob holds only the body, the header block being the row's; 0 when it holds the whole message).</li>
 *   <li>{@code MW_QUOTA_CURRENT}: usage per quota root, updated in the same transaction as the messages.</li>
 *   <li>{@code MW_SUBSCRIPTION}, {@code MW_ANNOTATION}: IMAP subscriptions and METADATA.</li>
 *   <li>{@code MW_BLOB}, {@code MW_BLOB_CHUNK}: message bodies when they are kept in the database (PostgreSQL).</li>
 *   <li>{@code MW_SCHEMA}: version and one-time operations done (the JPA migration).</li>
 * </ul>
 */
public final class Schema {
    public static final String VERSION = "1";

    private Schema() {
    }

    public static void createIfMissing(MailboxDatabase database) {
        Dialect dialect = database.dialect();
        String text = dialect.longTextType();
        List<String> statements = List.of(
            "CREATE TABLE MW_SCHEMA (NAME VARCHAR(64) NOT NULL PRIMARY KEY, SETTING VARCHAR(255))",
            "CREATE TABLE MW_MAILBOX ("
                + "MAILBOX_ID " + dialect.identityType() + " PRIMARY KEY, "
                + "NAMESPACE VARCHAR(200) NOT NULL, "
                + "USER_NAME VARCHAR(255) NOT NULL, "
                + "NAME VARCHAR(1024) NOT NULL, "
                + "UID_VALIDITY BIGINT NOT NULL, "
                + "LAST_UID BIGINT NOT NULL, "
                + "HIGHEST_MODSEQ BIGINT NOT NULL, "
                + "MESSAGE_COUNT BIGINT DEFAULT 0 NOT NULL, "
                + "ACL " + text + ", "
                + "CONSTRAINT MW_MAILBOX_PATH UNIQUE (USER_NAME, NAMESPACE, NAME))",
            "CREATE TABLE MW_MESSAGE ("
                + "MAILBOX_ID BIGINT NOT NULL, "
                + "UID BIGINT NOT NULL, "
                + "MODSEQ BIGINT NOT NULL, "
                + "INTERNAL_DATE BIGINT NOT NULL, "
                + "SAVE_DATE BIGINT, "
                + "SIZE BIGINT NOT NULL, "
                + "BODY_START INTEGER NOT NULL, "
                + "IS_ANSWERED SMALLINT NOT NULL, "
                + "IS_DELETED SMALLINT NOT NULL, "
                + "IS_DRAFT SMALLINT NOT NULL, "
                + "IS_FLAGGED SMALLINT NOT NULL, "
                + "IS_RECENT SMALLINT NOT NULL, "
                + "IS_SEEN SMALLINT NOT NULL, "
                + "USER_FLAGS " + text + ", "
                + "MEDIA_TYPE VARCHAR(200), "
                + "SUB_TYPE VARCHAR(200), "
                + "TEXT_LINES BIGINT, "
                + "PROPERTIES " + text + ", "
                + "HEADER " + dialect.shortBinaryType() + ", "
                + "BLOB_ID VARCHAR(64) NOT NULL, "
                + "BLOB_FROM_BODY SMALLINT DEFAULT 0 NOT NULL, "
                + "PRIMARY KEY (MAILBOX_ID, UID))",
            // tables made before the column existed: every blob there holds the whole message
            "ALTER TABLE MW_MESSAGE ADD COLUMN BLOB_FROM_BODY SMALLINT DEFAULT 0 NOT NULL",
            "CREATE INDEX MW_MESSAGE_BLOB ON MW_MESSAGE (BLOB_ID)",
            "CREATE TABLE MW_QUOTA_CURRENT ("
                + "QUOTA_ROOT VARCHAR(512) NOT NULL PRIMARY KEY, "
                + "MESSAGE_COUNT BIGINT NOT NULL, "
                + "STORAGE BIGINT NOT NULL)",
            "CREATE TABLE MW_SUBSCRIPTION ("
                + "USER_NAME VARCHAR(255) NOT NULL, "
                + "MAILBOX VARCHAR(1024) NOT NULL, "
                + "PRIMARY KEY (USER_NAME, MAILBOX))",
            "CREATE TABLE MW_ANNOTATION ("
                + "MAILBOX_ID BIGINT NOT NULL, "
                + "ANNOTATION_KEY VARCHAR(255) NOT NULL, "
                + "ANNOTATION_VALUE " + text + ", "
                + "PRIMARY KEY (MAILBOX_ID, ANNOTATION_KEY))",
            "CREATE TABLE MW_BLOB ("
                + "BLOB_ID VARCHAR(64) NOT NULL PRIMARY KEY, "
                + "CREATED BIGINT NOT NULL, "
                + "SIZE BIGINT NOT NULL)",
            "CREATE TABLE MW_BLOB_CHUNK ("
                + "BLOB_ID VARCHAR(64) NOT NULL, "
                + "SEQ INTEGER NOT NULL, "
                + "DATA " + dialect.binaryType() + " NOT NULL, "
                + "PRIMARY KEY (BLOB_ID, SEQ))");
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(true);
            for (String ddl : statements) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute(ddl);
                } catch (SQLException e) {
                    if (!dialect.isAlreadyExists(e)) {
                        throw e;
                    }
                }
            }
            if (setting(database, "version").isEmpty()) {
                putSetting(database, "version", VERSION);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create the mailbox tables: " + e.getMessage(), e);
        }
    }

    public static Optional<String> setting(MailboxDatabase database, String name) {
        return database.queryUnchecked("read setting " + name, connection -> {
            try (var statement = MailboxDatabase.prepare(connection, "SELECT SETTING FROM MW_SCHEMA WHERE NAME = ?", name);
                 ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.ofNullable(rows.getString(1)) : Optional.<String>empty();
            }
        });
    }

    public static void putSetting(MailboxDatabase database, String name, String value) {
        // auto-committed statements: on PostgreSQL a failed INSERT would abort a surrounding transaction
        database.queryUnchecked("write setting " + name, connection -> {
            if (MailboxDatabase.update(connection, "UPDATE MW_SCHEMA SET SETTING = ? WHERE NAME = ?", value, name) == 0) {
                try {
                    MailboxDatabase.update(connection, "INSERT INTO MW_SCHEMA (NAME, SETTING) VALUES (?, ?)", name, value);
                } catch (SQLException e) {
                    if (!Dialect.isUniqueViolation(e)) {
                        throw e;
                    }
                    MailboxDatabase.update(connection, "UPDATE MW_SCHEMA SET SETTING = ? WHERE NAME = ?", value, name);
                }
            }
            return null;
        });
    }

    public static void removeSetting(MailboxDatabase database, String name) {
        database.queryUnchecked("remove setting " + name,
            connection -> MailboxDatabase.update(connection, "DELETE FROM MW_SCHEMA WHERE NAME = ?", name));
    }
}
