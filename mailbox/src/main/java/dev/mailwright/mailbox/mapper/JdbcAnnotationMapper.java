package dev.mailwright.mailbox.mapper;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiPredicate;

import org.apache.james.mailbox.model.MailboxAnnotation;
import org.apache.james.mailbox.model.MailboxAnnotationKey;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.store.mail.AnnotationMapper;

import dev.mailwright.mailbox.db.MailboxDatabase;
import dev.mailwright.mailbox.model.JdbcMailboxId;

/** IMAP METADATA of folders ({@code MW_ANNOTATION}); a folder has few annotations, so lookups filter them in memory. */
public class JdbcAnnotationMapper implements AnnotationMapper {
    private final MailboxDatabase database;

    public JdbcAnnotationMapper(MailboxDatabase database) {
        this.database = database;
    }

    @Override
    public List<MailboxAnnotation> getAllAnnotations(MailboxId mailboxId) {
        return database.queryUnchecked("read annotations", connection -> {
            List<MailboxAnnotation> annotations = new ArrayList<>();
            try (PreparedStatement statement = MailboxDatabase.prepare(connection,
                "SELECT ANNOTATION_KEY, ANNOTATION_VALUE FROM MW_ANNOTATION WHERE MAILBOX_ID = ? ORDER BY ANNOTATION_KEY",
                JdbcMailboxId.of(mailboxId).value());
                 ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    annotations.add(MailboxAnnotation.newInstance(new MailboxAnnotationKey(rows.getString(1)), rows.getString(2)));
                }
            }
            return annotations;
        });
    }

    private List<MailboxAnnotation> filter(MailboxId mailboxId, Set<MailboxAnnotationKey> keys,
                                           BiPredicate<MailboxAnnotationKey, MailboxAnnotationKey> matches) {
        return getAllAnnotations(mailboxId).stream()
            .filter(annotation -> keys.stream().anyMatch(key -> matches.test(key, annotation.getKey())))
            .toList();
    }

    @Override
    public List<MailboxAnnotation> getAnnotationsByKeys(MailboxId mailboxId, Set<MailboxAnnotationKey> keys) {
        return filter(mailboxId, keys, MailboxAnnotationKey::equals);
    }

    @Override
    public List<MailboxAnnotation> getAnnotationsByKeysWithOneDepth(MailboxId mailboxId, Set<MailboxAnnotationKey> keys) {
        return filter(mailboxId, keys, MailboxAnnotationKey::isParentOrIsEqual);
    }

    @Override
    public List<MailboxAnnotation> getAnnotationsByKeysWithAllDepth(MailboxId mailboxId, Set<MailboxAnnotationKey> keys) {
        return filter(mailboxId, keys, MailboxAnnotationKey::isAncestorOrIsEqual);
    }

    @Override
    public void deleteAnnotation(MailboxId mailboxId, MailboxAnnotationKey key) {
        database.queryUnchecked("delete an annotation", connection -> MailboxDatabase.update(connection,
            "DELETE FROM MW_ANNOTATION WHERE MAILBOX_ID = ? AND ANNOTATION_KEY = ?", JdbcMailboxId.of(mailboxId).value(), key.asString()));
    }

    @Override
    public void insertAnnotation(MailboxId mailboxId, MailboxAnnotation annotation) {
        if (annotation.isNil()) {
            throw new IllegalArgumentException("A nil annotation cannot be stored: delete its key instead");
        }
        long id = JdbcMailboxId.of(mailboxId).value();
        String key = annotation.getKey().asString();
        String value = annotation.getValue().orElse(null);
        database.transactionUnchecked("write an annotation", connection -> {
            MailboxDatabase.update(connection, "DELETE FROM MW_ANNOTATION WHERE MAILBOX_ID = ? AND ANNOTATION_KEY = ?", id, key);
            MailboxDatabase.update(connection, "INSERT INTO MW_ANNOTATION (MAILBOX_ID, ANNOTATION_KEY, ANNOTATION_VALUE) VALUES (?, ?, ?)",
                id, key, value);
            return null;
        });
    }

    @Override
    public boolean exist(MailboxId mailboxId, MailboxAnnotation annotation) {
        return database.queryUnchecked("look for an annotation", connection -> {
            try (PreparedStatement statement = MailboxDatabase.prepare(connection,
                "SELECT 1 FROM MW_ANNOTATION WHERE MAILBOX_ID = ? AND ANNOTATION_KEY = ?",
                JdbcMailboxId.of(mailboxId).value(), annotation.getKey().asString());
                 ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        });
    }

    @Override
    public int countAnnotations(MailboxId mailboxId) {
        return database.queryUnchecked("count annotations", connection -> {
            try (PreparedStatement statement = MailboxDatabase.prepare(connection,
                "SELECT COUNT(*) FROM MW_ANNOTATION WHERE MAILBOX_ID = ?", JdbcMailboxId.of(mailboxId).value());
                 ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        });
    }
}
