package dev.mailwright.it.server;

import java.nio.file.Path;

import dev.mailwright.it.support.PostgresDatabase;
import dev.mailwright.it.support.TestDns;
import dev.mailwright.it.support.TestServer;

/** The same assembly with PostgreSQL, chosen by conf/james-database.properties alone. */
class PostgresPersistenceIT extends PersistenceContract {
    @Override
    TestServer server(Path directory, TestDns dns) {
        return TestServer.create(directory, dns).usePostgres(PostgresDatabase.createFresh());
    }
}
