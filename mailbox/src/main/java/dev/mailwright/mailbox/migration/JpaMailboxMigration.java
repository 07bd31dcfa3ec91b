package dev.mailwright.mailbox.migration;

import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.mail.Flags;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.store.mail.model.Property;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailwright.mailbox.blob.BlobId;
import dev.mailwright.mailbox.blob.BlobStore;
import dev.mailwright.mailbox.db.Dialect;
import dev.mailwright.mailbox.db.MailboxDatabase;
import dev.mailwright.mailbox.db.Schema;
import dev.mailwright.mailbox.mapper.MessageRowWriter;
import dev.mailwright.mailbox.mapper.QuotaUsage;
import dev.mailwright.mailbox.model.JdbcMailboxId;
import dev.mailwright.mailbox.model.StoredMessage;

/**
 * Moves the mailboxes of a 0.1.0 data folder (James's JPA mailbox: tables {@code JAMES_MAILBOX}, {@code JAMES_MAIL},
 * {@code JAMES_MAIL_USERFLAG}, {@code JAMES_MAIL_PROPERTY}, {@code JAMES_SUBSCRIPTION}, {@code JAMES_MAILBOX_ANNOTATION})
 * into this store, automatically at the first start of the new version, before anything is served.
 *
 * <p>Every folder keeps its id, UIDVALIDITY, last UID and highest modseq; every message its UID, modseq, dates,
 * flags (user flags included), MIME properties and content (header and body are written as one blob); subscriptions
 * and annotations are copied; quota usage is recomputed from the migrated messages. The old tables are left as
 * they were (a way back to 0.1.0; drop them when satisfied). The migration is marked in {@code MW_SCHEMA}
 * ({@code jpa-migration}): done once; an interrupted run (crash, kill) is started again from scratch at the next
 * start (its partial rows are removed, its bodies become orphans that the start-up sweep removes).
 */
public final class JpaMailboxMigration {
    static final String SETTING = "jpa-migration";
    private static final Logger LOGGER = LoggerFactory.getLogger(JpaMailboxMigration.class);
    private static final int BATCH = 100;

    private final MailboxDatabase database;
    private final BlobStore blobs;

    public JpaMailboxMigration(MailboxDatabase database, BlobStore blobs) {
        this.database = database;
        this.blobs = blobs;
    }

    public record Result(long mailboxes, long messages, long subscriptions, long annotations) {
    }

    /** Migrates if the database holds a JPA mailbox not migrated yet; empty if there was nothing to do. */
    public Optional<Result> runIfNeeded() {
        Optional<String> state = Schema.setting(database, SETTING);
        if (state.isPresent() && !state.get().equals("started")) {
            return Optional.empty();
        }
        long jpaMailboxes = countOrMinusOne("JAMES_MAILBOX");
        if (jpaMailboxes <= 0) {
            Schema.putSetting(database, SETTING, "none");
            return Optional.empty();
        }
        if (state.isPresent()) {
            LOGGER.warn("The migration of the 0.1.0 mailboxes did not finish last time: starting it again");
            wipe();
        } else if (countOrMinusOne("MW_MAILBOX") > 0) {
            // our store already has folders and no trace of a migration: the JPA tables are not ours to import
            LOGGER.warn("JPA mailbox tables found beside mailboxes of this store: not migrating them");
            Schema.putSetting(database, SETTING, "skipped");
            return Optional.empty();
        }
        LOGGER.info("Migrating {} mailboxes of the 0.1.0 data folder (JPA) into the mailbox store; bodies go to {}",
            jpaMailboxes, blobs.describe());
        Schema.putSetting(database, SETTING, "started");
        long started = System.nanoTime();
        try {
            Result result = migrate();
            Schema.putSetting(database, SETTING, "done " + result.mailboxes() + " mailboxes, " + result.messages() + " messages");
            LOGGER.info("Migrated {} mailboxes, {} messages, {} subscriptions, {} annotations in {} s (the JPA tables are left as they were)",
                result.mailboxes(), result.messages(), result.subscriptions(), result.annotations(),
                (System.nanoTime() - started) / 1_000_000_000);
            return Optional.of(result);
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("Cannot migrate the 0.1.0 mailboxes (the server will try again at the next start): "
                + e.getMessage(), e);
        }
    }

    private long countOrMinusOne(String table) {
        try {
            return database.read(connection -> {
                try (Statement statement = connection.createStatement();
                     ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
                    rows.next();
                    return rows.getLong(1);
                }
            });
        } catch (SQLException | IOException e) {
            return -1;
        }
    }

    private void wipe() {
        database.transactionUnchecked("remove a partial migration", connection -> {
            for (String table : List.of("MW_MESSAGE", "MW_MAILBOX", "MW_SUBSCRIPTION", "MW_ANNOTATION", "MW_QUOTA_CURRENT")) {
                MailboxDatabase.update(connection, "DELETE FROM " + table);
            }
            return null;
        });
    }

    private record OldMailbox(long id, MailboxPath path, long uidValidity, long lastUid, long highestModSeq) {
    }

    private Result migrate() throws SQLException, IOException {
        List<OldMailbox> mailboxes = readMailboxes();
        long maxId = 0;
        for (OldMailbox mailbox : mailboxes) {
            database.inTransaction(connection -> MailboxDatabase.update(connection,
                "INSERT INTO MW_MAILBOX (MAILBOX_ID, NAMESPACE, USER_NAME, NAME, UID_VALIDITY, LAST_UID, HIGHEST_MODSEQ) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?)", mailbox.id(), mailbox.path().getNamespace(),
                mailbox.path().getUser() == null ? "" : mailbox.path().getUser().asString(), mailbox.path().getName(),
                mailbox.uidValidity(), mailbox.lastUid(), mailbox.highestModSeq()));
            maxId = Math.max(maxId, mailbox.id());
        }
        restartIdentity(maxId);
        long messages = 0;
        for (OldMailbox mailbox : mailboxes) {
            messages += migrateMessages(mailbox);
        }
        long subscriptions = copy("SELECT USER_NAME, MAILBOX_NAME FROM JAMES_SUBSCRIPTION",
            "INSERT INTO MW_SUBSCRIPTION (USER_NAME, MAILBOX) VALUES (?, ?)", 2);
        long annotations = copy("SELECT MAILBOX_ID, ANNOTATION_KEY, VALUE FROM JAMES_MAILBOX_ANNOTATION",
            "INSERT INTO MW_ANNOTATION (MAILBOX_ID, ANNOTATION_KEY, ANNOTATION_VALUE) VALUES (?, ?, ?)", 3);
        recomputeQuotaUsage(mailboxes);
        return new Result(mailboxes.size(), messages, subscriptions, annotations);
    }

    private List<OldMailbox> readMailboxes() throws SQLException, IOException {
        return database.read(connection -> {
            List<OldMailbox> mailboxes = new ArrayList<>();
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT MAILBOX_ID, MAILBOX_NAMESPACE, USER_NAME, MAILBOX_NAME, "
                     + "MAILBOX_UID_VALIDITY, MAILBOX_LAST_UID, MAILBOX_HIGHEST_MODSEQ FROM JAMES_MAILBOX ORDER BY MAILBOX_ID")) {
                while (rows.next()) {
                    String user = rows.getString(3);
                    mailboxes.add(new OldMailbox(rows.getLong(1),
                        new MailboxPath(rows.getString(2), user == null || user.isEmpty() ? null : Username.of(user), rows.getString(4)),
                        rows.getLong(5), rows.getLong(6), rows.getLong(7)));
                }
            }
            return mailboxes;
        });
    }

    /** New folders get ids above the migrated ones. */
    private void restartIdentity(long maxId) throws SQLException, IOException {
        database.read(connection -> {
            try (Statement statement = connection.createStatement()) {
                if (database.dialect() == Dialect.POSTGRES) {
                    statement.execute("SELECT setval(pg_get_serial_sequence('mw_mailbox', 'mailbox_id'), " + Math.max(1, maxId) + ")");
                } else {
                    statement.execute("ALTER TABLE MW_MAILBOX ALTER COLUMN MAILBOX_ID RESTART WITH " + (maxId + 1));
                }
            }
            return null;
        });
    }

    private long migrateMessages(OldMailbox mailbox) throws SQLException, IOException {
        Map<Long, List<String>> userFlags = new HashMap<>();
        Map<Long, List<Property>> properties = new HashMap<>();
        database.read(connection -> {
            try (PreparedStatement statement = MailboxDatabase.prepare(connection,
                "SELECT MAIL_UID, USERFLAG_NAME FROM JAMES_MAIL_USERFLAG WHERE MAILBOX_ID = ?", mailbox.id());
                 ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    userFlags.computeIfAbsent(rows.getLong(1), any -> new ArrayList<>()).add(rows.getString(2));
                }
            }
            try (PreparedStatement statement = MailboxDatabase.prepare(connection,
                "SELECT MAIL_UID, PROPERTY_NAME_SPACE, PROPERTY_LOCAL_NAME, PROPERTY_VALUE FROM JAMES_MAIL_PROPERTY "
                    + "WHERE MAILBOX_ID = ? ORDER BY MAIL_UID, PROPERTY_LINE_NUMBER", mailbox.id());
                 ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    properties.computeIfAbsent(rows.getLong(1), any -> new ArrayList<>())
                        .add(new Property(rows.getString(2), rows.getString(3), rows.getString(4)));
                }
            }
            return null;
        });
        List<Long> uids = database.read(connection -> {
            List<Long> list = new ArrayList<>();
            try (PreparedStatement statement = MailboxDatabase.prepare(connection,
                "SELECT MAIL_UID FROM JAMES_MAIL WHERE MAILBOX_ID = ? ORDER BY MAIL_UID", mailbox.id());
                 ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    list.add(rows.getLong(1));
                }
            }
            return list;
        });
        for (int from = 0; from < uids.size(); from += BATCH) {
            List<Long> batch = uids.subList(from, Math.min(uids.size(), from + BATCH));
            List<StoredMessage> converted = new ArrayList<>();
            for (long uid : batch) {
                converted.add(readMessage(mailbox, uid, userFlags.getOrDefault(uid, List.of()), properties.getOrDefault(uid, List.of())));
            }
            database.inTransaction(connection -> {
                for (StoredMessage message : converted) {
                    MessageRowWriter.insert(connection, mailbox.id(), message, database.dialect());
                }
                return null;
            });
        }
        return uids.size();
    }

    /** One message: its row's values and its content, streamed from the two LOB columns into a new blob. */
    private StoredMessage readMessage(OldMailbox mailbox, long uid, List<String> userFlags, List<Property> properties)
        throws SQLException, IOException {
        return database.inTransaction(connection -> {
            try (PreparedStatement statement = MailboxDatabase.prepare(connection,
                "SELECT MAIL_MODSEQ, MAIL_DATE, MAIL_IS_ANSWERED, MAIL_IS_DELETED, MAIL_IS_DRAFT, MAIL_IS_FLAGGED, "
                    + "MAIL_IS_RECENT, MAIL_IS_SEEN, MAIL_BODY_START_OCTET, MAIL_CONTENT_OCTETS_COUNT, MAIL_MIME_TYPE, "
                    + "MAIL_MIME_SUBTYPE, MAIL_TEXTUAL_LINE_COUNT, HEADER_BYTES, MAIL_BYTES FROM JAMES_MAIL "
                    + "WHERE MAILBOX_ID = ? AND MAIL_UID = ?", mailbox.id(), uid);
                 ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    throw new SQLException("Message " + uid + " of mailbox " + mailbox.id() + " vanished during the migration");
                }
                Flags flags = new Flags();
                addIf(flags, row.getBoolean(3), Flags.Flag.ANSWERED);
                addIf(flags, row.getBoolean(4), Flags.Flag.DELETED);
                addIf(flags, row.getBoolean(5), Flags.Flag.DRAFT);
                addIf(flags, row.getBoolean(6), Flags.Flag.FLAGGED);
                addIf(flags, row.getBoolean(7), Flags.Flag.RECENT);
                addIf(flags, row.getBoolean(8), Flags.Flag.SEEN);
                userFlags.forEach(flags::add);
                long lines = row.getLong(13);
                Long textLines = row.wasNull() ? null : lines;
                byte[] header;
                BlobId blob;
                try (InputStream headerStream = row.getBinaryStream(14)) {
                    header = headerStream == null ? new byte[0] : headerStream.readAllBytes();
                }
                try (InputStream body = row.getBinaryStream(15);
                     InputStream content = new SequenceInputStream(new java.io.ByteArrayInputStream(header),
                         body == null ? InputStream.nullInputStream() : body)) {
                    blob = blobs.write(content);
                }
                long size = row.getLong(10);
                int bodyStart = row.getInt(9);
                Date internalDate = new Date(row.getTimestamp(2).getTime());
                return new StoredMessage(blobs, blob, header.length <= Dialect.MAX_SHORT_BINARY ? header : null,
                    JdbcMailboxId.of(mailbox.id()), MessageUid.of(uid), ModSeq.of(row.getLong(1)), internalDate,
                    Optional.of(internalDate), size, bodyStart, row.getString(11), row.getString(12), textLines,
                    properties, flags);
            }
        });
    }

    private static void addIf(Flags flags, boolean set, Flags.Flag flag) {
        if (set) {
            flags.add(flag);
        }
    }

    private long copy(String select, String insert, int columns) throws SQLException, IOException {
        List<Object[]> rows = database.read(connection -> {
            List<Object[]> list = new ArrayList<>();
            try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(select)) {
                while (result.next()) {
                    Object[] values = new Object[columns];
                    for (int i = 0; i < columns; i++) {
                        values[i] = result.getObject(i + 1);
                    }
                    list.add(values);
                }
            } catch (SQLException e) {
                LOGGER.info("Nothing to migrate from '{}': {}", select, e.getMessage());
            }
            return list;
        });
        database.inTransaction(connection -> {
            for (Object[] values : rows) {
                MailboxDatabase.update(connection, insert, normalize(values));
            }
            return null;
        });
        return rows.size();
    }

    private static Object[] normalize(Object[] values) {
        Object[] normalized = new Object[values.length];
        for (int i = 0; i < values.length; i++) {
            Object value = values[i];
            normalized[i] = value instanceof Number number && !(value instanceof Long) ? (Object) number.longValue() : value;
        }
        return normalized;
    }

    private void recomputeQuotaUsage(List<OldMailbox> mailboxes) throws SQLException, IOException {
        Map<String, long[]> usage = new HashMap<>();
        database.read(connection -> {
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT MAILBOX_ID, COUNT(*), SUM(SIZE) FROM MW_MESSAGE GROUP BY MAILBOX_ID")) {
                Map<Long, MailboxPath> paths = new HashMap<>();
                mailboxes.forEach(mailbox -> paths.put(mailbox.id(), mailbox.path()));
                while (rows.next()) {
                    MailboxPath path = paths.get(rows.getLong(1));
                    if (path != null) {
                        long[] total = usage.computeIfAbsent(QuotaUsage.rootOf(path), any -> new long[2]);
                        total[0] += rows.getLong(2);
                        total[1] += rows.getLong(3);
                    }
                }
            }
            return null;
        });
        database.inTransaction(connection -> {
            MailboxDatabase.update(connection, "UPDATE MW_MAILBOX SET MESSAGE_COUNT = "
                + "(SELECT COUNT(*) FROM MW_MESSAGE WHERE MW_MESSAGE.MAILBOX_ID = MW_MAILBOX.MAILBOX_ID)");
            MailboxDatabase.update(connection, "DELETE FROM MW_QUOTA_CURRENT");
            for (Map.Entry<String, long[]> entry : usage.entrySet()) {
                MailboxDatabase.update(connection, "INSERT INTO MW_QUOTA_CURRENT (QUOTA_ROOT, MESSAGE_COUNT, STORAGE) VALUES (?, ?, ?)",
                    entry.getKey(), entry.getValue()[0], entry.getValue()[1]);
            }
            return null;
        });
    }
}
