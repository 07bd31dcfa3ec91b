package dev.mailwright.it.server;

import java.nio.file.Path;

import dev.mailwright.it.support.DnsServer;
import dev.mailwright.it.support.TestServer;

/** The default: embedded Derby in the data folder. */
class DerbyPersistenceIT extends PersistenceContract {
    @Override
    TestServer server(Path directory, DnsServer dns) {
        return TestServer.create(directory, dns);
    }

    @Override
    String downMxAddress() {
        return "127.0.0.23";
    }
}
