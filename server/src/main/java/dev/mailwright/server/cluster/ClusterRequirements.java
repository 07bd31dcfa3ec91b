package dev.mailwright.server.cluster;

import java.util.Properties;

import dev.mailwright.server.startup.ConfigFiles;
import dev.mailwright.server.startup.StartupProblem;

/**
 * What servers sharing their mailboxes need besides the broker, checked before anything starts: one PostgreSQL
 * database for all of them, and the message bodies in it (a body in one server's data folder could not be read by
 * the others).
 */
public final class ClusterRequirements {
    private ClusterRequirements() {
    }

    public static void check(ConfigFiles files) throws StartupProblem {
        Properties database = files.properties("james-database.properties").orElseGet(Properties::new);
        String url = files.expand(database.getProperty("database.url", ""));
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new StartupProblem(ClusterSettings.FILE + " names a cluster, but conf/james-database.properties does not name "
                + "a PostgreSQL database (database.url=jdbc:postgresql://...): the servers of a cluster share one");
        }
        Properties mailbox = files.properties("mailbox.properties").orElseGet(Properties::new);
        if (!"database".equals(mailbox.getProperty("blobs.store", "files").strip())) {
            throw new StartupProblem(ClusterSettings.FILE + " names a cluster, but message bodies are kept as files of this "
                + "server (conf/mailbox.properties): set blobs.store=database so that every server reads them");
        }
    }
}
