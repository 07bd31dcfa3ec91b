package dev.mailwright.mailbox.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import org.apache.commons.dbcp2.BasicDataSource;
import org.junit.jupiter.api.Test;

import dev.mailwright.mailbox.support.TestDatabase;

/** A database made by the previous version (no BLOB_FROM_BODY) gets the column, its rows reading as whole blobs. */
class SchemaTest {
    @Test
    void aMessageTableWithoutTheBlobKindColumnGetsItWithZero() throws Exception {
        Path folder = Files.createTempDirectory(TestDatabase.tmp(), "derby-old");
        BasicDataSource pool = new BasicDataSource();
        pool.setDriverClassName("org.apache.derby.jdbc.EmbeddedDriver");
        pool.setUrl("jdbc:derby:" + folder.resolve("db") + ";create=true");
        try {
            try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
                // MW_MESSAGE as the previous version created it (the columns that matter here)
                statement.execute("CREATE TABLE MW_MESSAGE (MAILBOX_ID BIGINT NOT NULL, UID BIGINT NOT NULL, "
                    + "BLOB_ID VARCHAR(64) NOT NULL, PRIMARY KEY (MAILBOX_ID, UID))");
                statement.execute("INSERT INTO MW_MESSAGE (MAILBOX_ID, UID, BLOB_ID) VALUES (1, 1, '0123456789abcdef0123456789abcdef')");
            }
            MailboxDatabase database = new MailboxDatabase(pool);

            Schema.createIfMissing(database);
            Schema.createIfMissing(database);

            try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT BLOB_FROM_BODY FROM MW_MESSAGE")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getShort(1)).isZero();
            }
        } finally {
            pool.close();
        }
    }
}
