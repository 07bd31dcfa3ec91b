package dev.mailwright.mailbox.mapper;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Optional;

import javax.mail.Flags;

import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.store.mail.model.DefaultMessageId;

import dev.mailwright.mailbox.blob.BlobId;
import dev.mailwright.mailbox.blob.BlobStore;
import dev.mailwright.mailbox.db.Dialect;
import dev.mailwright.mailbox.db.MailboxDatabase;
import dev.mailwright.mailbox.model.PropertiesCodec;
import dev.mailwright.mailbox.model.StoredMessage;

/** The SQL of {@code MW_MESSAGE} rows: columns, UID range conditions, reading a row, writing one. */
final class MessageRows {
    static final String METADATA_COLUMNS = "UID, MODSEQ, INTERNAL_DATE, SAVE_DATE, SIZE, BODY_START, IS_ANSWERED, "
        + "IS_DELETED, IS_DRAFT, IS_FLAGGED, IS_RECENT, IS_SEEN, USER_FLAGS, MEDIA_TYPE, SUB_TYPE, TEXT_LINES, BLOB_ID, BLOB_FROM_BODY";
    static final String ALL_COLUMNS = METADATA_COLUMNS + ", PROPERTIES, HEADER";
    static final String INSERT = "INSERT INTO MW_MESSAGE (MAILBOX_ID, UID, MODSEQ, INTERNAL_DATE, SAVE_DATE, SIZE, BODY_START, "
        + "IS_ANSWERED, IS_DELETED, IS_DRAFT, IS_FLAGGED, IS_RECENT, IS_SEEN, USER_FLAGS, MEDIA_TYPE, SUB_TYPE, TEXT_LINES, "
        + "PROPERTIES, HEADER, BLOB_ID, BLOB_FROM_BODY) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private MessageRows() {
    }

    /** " AND UID ..." for a range, with its arguments appended to {@code arguments}. */
    static String rangeCondition(MessageRange range, List<Object> arguments) {
        switch (range.getType()) {
            case ONE:
                arguments.add(range.getUidFrom().asLong());
                return " AND UID = ?";
            case FROM:
                arguments.add(range.getUidFrom().asLong());
                return " AND UID >= ?";
            case RANGE:
                arguments.add(range.getUidFrom().asLong());
                arguments.add(range.getUidTo().asLong());
                return " AND UID >= ? AND UID <= ?";
            case ALL:
            default:
                return "";
        }
    }

    static StoredMessage read(ResultSet row, BlobStore blobs, MailboxId mailboxId, boolean full) throws SQLException {
        Flags flags = flags(row);
        long saveDate = row.getLong("SAVE_DATE");
        Optional<Date> save = row.wasNull() ? Optional.empty() : Optional.of(new Date(saveDate));
        long lines = row.getLong("TEXT_LINES");
        Long textLines = row.wasNull() ? null : lines;
        return new StoredMessage(blobs, new BlobId(row.getString("BLOB_ID")), row.getShort("BLOB_FROM_BODY") != 0,
            full ? row.getBytes("HEADER") : null, new DefaultMessageId(), mailboxId, MessageUid.of(row.getLong("UID")), ModSeq.of(row.getLong("MODSEQ")),
            new Date(row.getLong("INTERNAL_DATE")), save, row.getLong("SIZE"), row.getInt("BODY_START"),
            row.getString("MEDIA_TYPE"), row.getString("SUB_TYPE"), textLines,
            full ? PropertiesCodec.decode(row.getString("PROPERTIES")) : List.of(), flags);
    }

    static Flags flags(ResultSet row) throws SQLException {
        Flags flags = new Flags();
        if (row.getShort("IS_ANSWERED") != 0) {
            flags.add(Flags.Flag.ANSWERED);
        }
        if (row.getShort("IS_DELETED") != 0) {
            flags.add(Flags.Flag.DELETED);
        }
        if (row.getShort("IS_DRAFT") != 0) {
            flags.add(Flags.Flag.DRAFT);
        }
        if (row.getShort("IS_FLAGGED") != 0) {
            flags.add(Flags.Flag.FLAGGED);
        }
        if (row.getShort("IS_RECENT") != 0) {
            flags.add(Flags.Flag.RECENT);
        }
        if (row.getShort("IS_SEEN") != 0) {
            flags.add(Flags.Flag.SEEN);
        }
        String userFlags = row.getString("USER_FLAGS");
        if (userFlags != null && !userFlags.isEmpty()) {
            for (String flag : userFlags.split("\n")) {
                if (!flag.isEmpty()) {
                    flags.add(flag);
                }
            }
        }
        return flags;
    }

    static String userFlags(Flags flags) {
        String[] user = flags.getUserFlags();
        if (user.length == 0) {
            return null;
        }
        Arrays.sort(user);
        return String.join("\n", user);
    }

    static void insert(Connection connection, long mailboxId, StoredMessage message, Dialect dialect) throws SQLException {
        Flags flags = message.createFlags();
        byte[] header = message.headerBytes();
        if (header != null && header.length > Dialect.MAX_SHORT_BINARY) {
            header = null;
        }
        if (message.blobFromBody() && header == null) {
            // the body alone cannot be read back as a message without its header block
            throw new SQLException("a message whose blob holds only the body needs its header block in the row");
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setLong(1, mailboxId);
            insert.setLong(2, message.getUid().asLong());
            insert.setLong(3, message.getModSeq().asLong());
            insert.setLong(4, message.getInternalDate().getTime());
            setLong(insert, 5, message.getSaveDate().map(Date::getTime).orElse(null));
            insert.setLong(6, message.getFullContentOctets());
            insert.setInt(7, message.bodyStart());
            insert.setShort(8, flag(flags, Flags.Flag.ANSWERED));
            insert.setShort(9, flag(flags, Flags.Flag.DELETED));
            insert.setShort(10, flag(flags, Flags.Flag.DRAFT));
            insert.setShort(11, flag(flags, Flags.Flag.FLAGGED));
            insert.setShort(12, flag(flags, Flags.Flag.RECENT));
            insert.setShort(13, flag(flags, Flags.Flag.SEEN));
            insert.setString(14, userFlags(flags));
            insert.setString(15, truncate(message.getMediaType(), 200));
            insert.setString(16, truncate(message.getSubType(), 200));
            setLong(insert, 17, message.getTextualLineCount());
            insert.setString(18, PropertiesCodec.encode(message.propertyList()));
            if (header == null) {
                insert.setNull(19, dialect == Dialect.POSTGRES ? java.sql.Types.BINARY : java.sql.Types.VARBINARY);
            } else {
                insert.setBytes(19, header);
            }
            insert.setString(20, message.blobId().value());
            insert.setShort(21, (short) (message.blobFromBody() ? 1 : 0));
            insert.executeUpdate();
        }
    }

    private static short flag(Flags flags, Flags.Flag flag) {
        return (short) (flags.contains(flag) ? 1 : 0);
    }

    private static void setLong(PreparedStatement statement, int index, Long value) throws SQLException {
        if (value == null) {
            statement.setNull(index, java.sql.Types.BIGINT);
        } else {
            statement.setLong(index, value);
        }
    }

    private static String truncate(String value, int length) {
        return value == null || value.length() <= length ? value : value.substring(0, length);
    }

    static PreparedStatement select(Connection connection, String columns, long mailboxId, MessageRange range, String extra)
        throws SQLException {
        List<Object> arguments = new java.util.ArrayList<>();
        arguments.add(mailboxId);
        String condition = rangeCondition(range, arguments);
        return MailboxDatabase.prepare(connection, "SELECT " + columns + " FROM MW_MESSAGE WHERE MAILBOX_ID = ?" + condition
            + extra + " ORDER BY UID", arguments.toArray());
    }
}
