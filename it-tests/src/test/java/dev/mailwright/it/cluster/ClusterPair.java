package dev.mailwright.it.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

import org.junit.jupiter.api.Assumptions;

import dev.mailwright.it.support.DnsServer;
import dev.mailwright.it.support.PostgresDatabase;
import dev.mailwright.it.support.ServerProcess;
import dev.mailwright.it.support.TestServer;

/**
 * Two Mailwright servers as one cluster, each the built distribution in its own process with its own ports and data
 * folder: one fresh PostgreSQL database for both (bodies in it too), RabbitMQ from {@code MAILWRIGHT_IT_RABBITMQ_URI}
 * (default {@code amqp://127.0.0.1:5672}). Without a broker there the tests are skipped, except when
 * {@code MAILWRIGHT_IT_REQUIRE_RABBITMQ=1} ({@code .ci/run} starts RabbitMQ and sets it). A starts first (it creates
 * the tables), then B.
 */
final class ClusterPair implements AutoCloseable {
    final PostgresDatabase database;
    final ServerProcess a;
    final ServerProcess b;

    private ClusterPair(PostgresDatabase database, ServerProcess a, ServerProcess b) {
        this.database = database;
        this.a = a;
        this.b = b;
    }

    /** Configures both servers ({@code edit} adds what the test class needs to each) and starts them. */
    static ClusterPair start(Path directory, DnsServer dns, Consumer<TestServer> edit) {
        String broker = rabbitMqUri();
        PostgresDatabase database = PostgresDatabase.createFresh();
        String caller = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass().getSimpleName();
        ServerProcess a = node(directory.resolve("a"), dns, database, broker, "node-a", edit).named(caller + "-A");
        ServerProcess b = node(directory.resolve("b"), dns, database, broker, "node-b", edit).named(caller + "-B");
        ClusterPair pair = new ClusterPair(database, a, b);
        try {
            a.start();
            b.start();
        } catch (RuntimeException e) {
            pair.close();
            throw e;
        }
        return pair;
    }

    private static ServerProcess node(Path root, DnsServer dns, PostgresDatabase database, String broker, String name,
                                      Consumer<TestServer> edit) {
        ServerProcess server = ServerProcess.create(root, dns);
        server.config()
            .usePostgres(database)
            .writeConf("mailbox.properties", "blobs.store=database\n")
            .writeConf("cluster.xml", "<cluster><rabbitmq>" + broker + "</rabbitmq><nodeName>" + name
                + "</nodeName></cluster>\n");
        edit.accept(server.config());
        return server;
    }

    /** The broker of the tests, or the test class is skipped (failed when RabbitMQ is required). */
    static String rabbitMqUri() {
        String uri = Optional.ofNullable(System.getenv("MAILWRIGHT_IT_RABBITMQ_URI")).filter(s -> !s.isBlank())
            .orElse("amqp://127.0.0.1:5672");
        URI parsed = URI.create(uri);
        int port = parsed.getPort() > 0 ? parsed.getPort() : 5672;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(parsed.getHost(), port), 2_000);
        } catch (IOException e) {
            if ("1".equals(System.getenv("MAILWRIGHT_IT_REQUIRE_RABBITMQ"))) {
                throw new UncheckedIOException("MAILWRIGHT_IT_REQUIRE_RABBITMQ=1 but no RabbitMQ answers at " + uri, e);
            }
            Assumptions.abort("no RabbitMQ at " + uri + " (MAILWRIGHT_IT_RABBITMQ_URI); .ci/run starts one");
        }
        return uri;
    }

    @Override
    public void close() {
        try {
            b.close();
        } finally {
            a.close();
        }
    }
}
