package dev.mailwright.mailbox.model;

import org.apache.james.mailbox.model.MailboxId;

/** A folder's id: the {@code MAILBOX_ID} of its {@code MW_MAILBOX} row. */
public final class JdbcMailboxId implements MailboxId {
    private final long value;

    private JdbcMailboxId(long value) {
        this.value = value;
    }

    public static JdbcMailboxId of(long value) {
        return new JdbcMailboxId(value);
    }

    public static JdbcMailboxId of(MailboxId id) {
        if (id instanceof JdbcMailboxId jdbc) {
            return jdbc;
        }
        return of(Long.parseLong(id.serialize()));
    }

    public long value() {
        return value;
    }

    @Override
    public String serialize() {
        return Long.toString(value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JdbcMailboxId other && other.value == value;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(value);
    }

    @Override
    public String toString() {
        return "MailboxId(" + value + ")";
    }

    public static final class Factory implements MailboxId.Factory {
        @Override
        public MailboxId fromString(String serialized) {
            return of(Long.parseLong(serialized.trim()));
        }
    }
}
