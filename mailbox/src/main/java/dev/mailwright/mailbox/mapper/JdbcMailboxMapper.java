package dev.mailwright.mailbox.mapper;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.apache.james.core.Username;
import org.apache.james.mailbox.acl.ACLDiff;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxExistsException;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.exception.UnsupportedRightException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxACL;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.UidValidity;
import org.apache.james.mailbox.model.search.MailboxQuery;
import org.apache.james.mailbox.store.MailboxExpressionBackwardCompatibility;
import org.apache.james.mailbox.store.mail.MailboxMapper;

import dev.mailwright.mailbox.blob.BlobId;
import dev.mailwright.mailbox.blob.BlobStore;
import dev.mailwright.mailbox.db.Dialect;
import dev.mailwright.mailbox.db.MailboxDatabase;
import dev.mailwright.mailbox.model.AclCodec;
import dev.mailwright.mailbox.model.JdbcMailboxId;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Folders ({@code MW_MAILBOX}), their ACL included. */
public class JdbcMailboxMapper implements MailboxMapper {
    private static final String COLUMNS = "MAILBOX_ID, NAMESPACE, USER_NAME, NAME, UID_VALIDITY, ACL";
    /** A folder without owner (shared namespace) is stored with this owner: NULLs would escape the unique path. */
    private static final String NO_USER = "";

    private final MailboxDatabase database;
    private final BlobStore blobs;

    public JdbcMailboxMapper(MailboxDatabase database, BlobStore blobs) {
        this.database = database;
        this.blobs = blobs;
    }

    private static <T> Mono<T> blocking(Callable<T> work) {
        return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic());
    }

    static MailboxPath path(ResultSet row) throws SQLException {
        String user = row.getString("USER_NAME");
        return new MailboxPath(row.getString("NAMESPACE"), user.isEmpty() ? null : Username.of(user), row.getString("NAME"));
    }

    private static Mailbox mailbox(ResultSet row) throws SQLException {
        Mailbox mailbox = new Mailbox(path(row), UidValidity.of(row.getLong("UID_VALIDITY")),
            JdbcMailboxId.of(row.getLong("MAILBOX_ID")));
        mailbox.setACL(AclCodec.decode(row.getString("ACL")));
        return mailbox;
    }

    private static String user(MailboxPath path) {
        return path.getUser() == null ? NO_USER : path.getUser().asString();
    }

    @Override
    public Mono<Mailbox> create(MailboxPath path, UidValidity uidValidity) {
        return blocking(() -> {
            try {
                long id = database.inTransaction(connection -> insert(connection, database.dialect(), path, uidValidity));
                return new Mailbox(path, uidValidity, JdbcMailboxId.of(id));
            } catch (SQLException e) {
                if (Dialect.isUniqueViolation(e)) {
                    throw new MailboxExistsException(path.asString());
                }
                throw new MailboxException("Cannot create mailbox " + path.asString() + ": " + e.getMessage(), e);
            }
        });
    }

    static long insert(Connection connection, Dialect dialect, MailboxPath path, UidValidity uidValidity) throws SQLException {
        String sql = "INSERT INTO MW_MAILBOX (NAMESPACE, USER_NAME, NAME, UID_VALIDITY, LAST_UID, HIGHEST_MODSEQ) VALUES (?, ?, ?, ?, 0, 0)";
        try (PreparedStatement insert = dialect == Dialect.POSTGRES
            ? connection.prepareStatement(sql, new String[] {"mailbox_id"})
            : connection.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
            MailboxDatabase.bind(insert, path.getNamespace(), user(path), path.getName(), uidValidity.asLong());
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    @Override
    public Mono<MailboxId> rename(Mailbox mailbox) {
        return blocking(() -> {
            MailboxPath path = mailbox.generateAssociatedPath();
            if (findMailboxByPath(path).blockOptional().isPresent()) {
                throw new MailboxExistsException(path.asString());
            }
            try {
                int updated = database.inTransaction(connection -> MailboxDatabase.update(connection,
                    "UPDATE MW_MAILBOX SET NAMESPACE = ?, USER_NAME = ?, NAME = ? WHERE MAILBOX_ID = ?",
                    path.getNamespace(), user(path), path.getName(), JdbcMailboxId.of(mailbox.getMailboxId()).value()));
                if (updated == 0) {
                    throw new MailboxNotFoundException(mailbox.getMailboxId());
                }
                return mailbox.getMailboxId();
            } catch (SQLException e) {
                if (Dialect.isUniqueViolation(e)) {
                    throw new MailboxExistsException(path.asString());
                }
                throw new MailboxException("Cannot rename mailbox " + path.asString() + ": " + e.getMessage(), e);
            }
        });
    }

    @Override
    public Mono<Void> delete(Mailbox mailbox) {
        return blocking(() -> {
            long id = JdbcMailboxId.of(mailbox.getMailboxId()).value();
            List<BlobId> bodies = new ArrayList<>();
            database.transaction("delete mailbox " + mailbox.getName(), connection -> {
                bodies.clear();
                long count = 0;
                long size = 0;
                FolderCounters.lock(connection, id);
                try (PreparedStatement statement = MailboxDatabase.prepare(connection,
                    "SELECT BLOB_ID, SIZE FROM MW_MESSAGE WHERE MAILBOX_ID = ?", id);
                     ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        bodies.add(new BlobId(rows.getString(1)));
                        size += rows.getLong(2);
                        count++;
                    }
                }
                MailboxDatabase.update(connection, "DELETE FROM MW_MESSAGE WHERE MAILBOX_ID = ?", id);
                MailboxDatabase.update(connection, "DELETE FROM MW_ANNOTATION WHERE MAILBOX_ID = ?", id);
                MailboxDatabase.update(connection, "DELETE FROM MW_MAILBOX WHERE MAILBOX_ID = ?", id);
                QuotaUsage.add(connection, database.dialect(), QuotaUsage.rootOf(mailbox), -count, -size);
                return null;
            });
            blobs.delete(bodies);
            return true;
        }).onErrorResume(MailboxException.class, e -> e.getCause() instanceof FolderCounters.MissingMailboxException
            ? Mono.empty() : Mono.error(e)).then();
    }

    @Override
    public Mono<Mailbox> findMailboxByPath(MailboxPath path) {
        return blocking(() -> database.query("find mailbox " + path.asString(), connection -> {
            try (PreparedStatement statement = MailboxDatabase.prepare(connection, "SELECT " + COLUMNS
                + " FROM MW_MAILBOX WHERE USER_NAME = ? AND NAMESPACE = ? AND NAME = ?", user(path), path.getNamespace(), path.getName());
                 ResultSet rows = statement.executeQuery()) {
                return rows.next() ? mailbox(rows) : null;
            }
        }));
    }

    @Override
    public Mono<Mailbox> findMailboxById(MailboxId mailboxId) {
        return blocking(() -> {
            Mailbox found = database.query("find mailbox " + mailboxId.serialize(), connection -> {
                try (PreparedStatement statement = MailboxDatabase.prepare(connection, "SELECT " + COLUMNS
                    + " FROM MW_MAILBOX WHERE MAILBOX_ID = ?", JdbcMailboxId.of(mailboxId).value());
                     ResultSet rows = statement.executeQuery()) {
                    return rows.next() ? mailbox(rows) : null;
                }
            });
            if (found == null) {
                throw new MailboxNotFoundException(mailboxId);
            }
            return found;
        });
    }

    @Override
    public Flux<Mailbox> findNonPersonalMailboxes(Username userName, MailboxACL.Right right) {
        MailboxACL.EntryKey key = MailboxACL.EntryKey.createUserEntryKey(userName);
        return list("SELECT " + COLUMNS + " FROM MW_MAILBOX WHERE ACL IS NOT NULL AND ACL LIKE ?",
            "%" + userName.asString() + "%")
            .filter(mailbox -> {
                MailboxACL.Rfc4314Rights rights = mailbox.getACL().getEntries().get(key);
                return rights != null && rights.contains(right);
            });
    }

    @Override
    public Flux<Mailbox> findMailboxWithPathLike(MailboxQuery.UserBound query) {
        String pathLike = MailboxExpressionBackwardCompatibility.getPathLike(query);
        String user = query.getFixedUser() == null ? NO_USER : query.getFixedUser().asString();
        // LIKE also takes '_' and '%' of names as wildcards: a superset, narrowed by the query itself
        return list("SELECT " + COLUMNS + " FROM MW_MAILBOX WHERE USER_NAME = ? AND NAMESPACE = ? AND NAME LIKE ?",
            user, query.getFixedNamespace(), pathLike)
            .filter(query::matches);
    }

    @Override
    public Mono<Boolean> hasChildren(Mailbox mailbox, char delimiter) {
        String prefix = escapeLike(mailbox.getName() + delimiter) + "%";
        return blocking(() -> database.query("look for children of " + mailbox.getName(), connection -> {
            try (PreparedStatement statement = MailboxDatabase.prepare(connection,
                "SELECT COUNT(*) FROM MW_MAILBOX WHERE USER_NAME = ? AND NAMESPACE = ? AND NAME LIKE ? ESCAPE '\\'",
                user(mailbox.generateAssociatedPath()), mailbox.getNamespace(), prefix);
                 ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1) > 0;
            }
        }));
    }

    private static String escapeLike(String value) {
        return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    @Override
    public Mono<ACLDiff> updateACL(Mailbox mailbox, MailboxACL.ACLCommand command) {
        return changeAcl(mailbox, old -> old.apply(command));
    }

    @Override
    public Mono<ACLDiff> setACL(Mailbox mailbox, MailboxACL acl) {
        return changeAcl(mailbox, old -> acl);
    }

    private interface AclChange {
        MailboxACL apply(MailboxACL old) throws UnsupportedRightException;
    }

    private Mono<ACLDiff> changeAcl(Mailbox mailbox, AclChange change) {
        return blocking(() -> {
            long id = JdbcMailboxId.of(mailbox.getMailboxId()).value();
            MailboxACL[] result = database.transaction("change the ACL of " + mailbox.getName(), connection -> {
                FolderCounters.lock(connection, id);
                MailboxACL old;
                try (PreparedStatement statement = MailboxDatabase.prepare(connection, "SELECT ACL FROM MW_MAILBOX WHERE MAILBOX_ID = ?", id);
                     ResultSet rows = statement.executeQuery()) {
                    rows.next();
                    old = AclCodec.decode(rows.getString(1));
                }
                MailboxACL updated;
                try {
                    updated = change.apply(old);
                } catch (UnsupportedRightException e) {
                    throw new SQLException(e.getMessage(), e);
                }
                MailboxDatabase.update(connection, "UPDATE MW_MAILBOX SET ACL = ? WHERE MAILBOX_ID = ?", AclCodec.encode(updated), id);
                return new MailboxACL[] {old, updated};
            });
            mailbox.setACL(result[1]);
            return ACLDiff.computeDiff(result[0], result[1]);
        });
    }

    @Override
    public Flux<Mailbox> list() {
        return list("SELECT " + COLUMNS + " FROM MW_MAILBOX");
    }

    private Flux<Mailbox> list(String sql, Object... arguments) {
        return blocking(() -> database.query("list mailboxes", connection -> {
            List<Mailbox> mailboxes = new ArrayList<>();
            try (PreparedStatement statement = MailboxDatabase.prepare(connection, sql, arguments);
                 ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    mailboxes.add(mailbox(rows));
                }
            }
            return mailboxes;
        })).flatMapIterable(mailboxes -> mailboxes);
    }
}
