package dev.mailwright.it.server;

import java.nio.file.Path;

import dev.mailwright.it.support.DnsServer;
import dev.mailwright.it.support.PostgresDatabase;
import dev.mailwright.it.support.TestServer;

/** PostgreSQL with the message bodies in the database too ({@code blobs.store=database} in conf/mailbox.properties). */
class PostgresBodiesPersistenceIT extends PersistenceContract {
    @Override
    TestServer server(Path directory, DnsServer dns) {
        return TestServer.create(directory, dns)
            .usePostgres(PostgresDatabase.createFresh())
            .writeConf("mailbox.properties", "blobs.store=database\n");
    }

    @Override
    String downMxAddress() {
        return "127.0.0.26";
    }
}
