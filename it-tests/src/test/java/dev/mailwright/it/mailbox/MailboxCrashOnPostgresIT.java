package dev.mailwright.it.mailbox;

import dev.mailwright.it.support.PostgresDatabase;
import dev.mailwright.it.support.TestServer;

/** {@link MailboxCrashIT} with the mailbox store on PostgreSQL: kill -9 under load, every acknowledged message once. */
class MailboxCrashOnPostgresIT extends MailboxCrashIT {
    @Override
    TestServer onDatabase(TestServer server) {
        return server.usePostgres(PostgresDatabase.createFresh());
    }
}
