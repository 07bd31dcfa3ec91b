package dev.mailwright.it.server;

import java.nio.file.Path;

import dev.mailwright.it.support.TestDns;
import dev.mailwright.it.support.TestServer;

/** The default: embedded Derby in the data folder. */
class DerbyPersistenceIT extends PersistenceContract {
    @Override
    TestServer server(Path directory, TestDns dns) {
        return TestServer.create(directory, dns);
    }
}
