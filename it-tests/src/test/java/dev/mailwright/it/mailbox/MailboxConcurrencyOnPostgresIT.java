package dev.mailwright.it.mailbox;

import dev.mailwright.it.support.PostgresDatabase;
import dev.mailwright.it.support.TestServer;

/** {@link MailboxConcurrencyIT} with the mailbox store on PostgreSQL (row locks of the folder row order the writers). */
class MailboxConcurrencyOnPostgresIT extends MailboxConcurrencyIT {
    @Override
    TestServer onDatabase(TestServer server) {
        return server.usePostgres(PostgresDatabase.createFresh());
    }
}
