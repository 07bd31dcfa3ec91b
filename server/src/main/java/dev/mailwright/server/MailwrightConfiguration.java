package dev.mailwright.server;

import java.nio.file.Path;

import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.filesystem.api.JamesDirectoriesProvider;
import org.apache.james.server.core.configuration.Configuration;

import com.google.common.base.MoreObjects;

/**
 * The James {@link Configuration} of a Mailwright server: configuration files are read from the conf directory,
 * {@code file://var/} is the data directory.
 */
public final class MailwrightConfiguration implements Configuration {
    private final MailwrightDirectories directories;
    private final String hostname;

    public MailwrightConfiguration(MailwrightDirectories directories, String hostname) {
        this.directories = directories;
        this.hostname = hostname;
    }

    public static MailwrightConfiguration of(Path home, Path conf, Path data, String hostname) {
        return new MailwrightConfiguration(new MailwrightDirectories(home, conf, data), hostname);
    }

    @Override
    public ConfigurationPath configurationPath() {
        return new ConfigurationPath(FileSystem.FILE_PROTOCOL_AND_CONF);
    }

    @Override
    public JamesDirectoriesProvider directories() {
        return directories;
    }

    public MailwrightDirectories mailwrightDirectories() {
        return directories;
    }

    public Path conf() {
        return directories.conf();
    }

    public Path data() {
        return directories.data();
    }

    /** The server's own host name: HELO name, TLS certificate subject, default domain. */
    public String hostname() {
        return hostname;
    }

    @Override
    public String toString() {
        return MoreObjects.toStringHelper(this)
            .add("directories", directories)
            .add("hostname", hostname)
            .toString();
    }
}
