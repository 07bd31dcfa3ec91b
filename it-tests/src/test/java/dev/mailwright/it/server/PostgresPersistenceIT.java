package dev.mailwright.it.server;

import java.nio.file.Path;

import dev.mailwright.it.support.PostgresDatabase;
import dev.mailwright.it.support.DnsServer;
import dev.mailwright.it.support.TestServer;

/** The same assembly with PostgreSQL, chosen by conf/james-database.properties alone. */
class PostgresPersistenceIT extends PersistenceContract {
    @Override
    TestServer server(Path directory, DnsServer dns) {
        return TestServer.create(directory, dns).usePostgres(PostgresDatabase.createFresh());
    }

    @Override
    String downMxAddress() {
        return "127.0.0.24";
    }
}
