package dev.mailwright.server;

import java.nio.file.Path;

import org.apache.james.filesystem.api.JamesDirectoriesProvider;

import com.google.common.base.MoreObjects;

/**
 * Where Mailwright finds its configuration and keeps its data.
 *
 * <p>James resolves {@code file://conf/...} against {@link #getConfDirectory()} and {@code file://var/...} against
 * {@link #getVarDirectory()}. Mailwright points {@code var} at the data directory so that everything the server
 * writes (database, queues, search index, generated keys) lives below one folder that can be backed up or mounted.
 * The root directory is the installation home: {@code extensions-jars/} is looked up there.
 */
public final class MailwrightDirectories implements JamesDirectoriesProvider {
    private final Path home;
    private final Path conf;
    private final Path data;

    public MailwrightDirectories(Path home, Path conf, Path data) {
        this.home = home.toAbsolutePath().normalize();
        this.conf = conf.toAbsolutePath().normalize();
        this.data = data.toAbsolutePath().normalize();
    }

    public Path home() {
        return home;
    }

    public Path conf() {
        return conf;
    }

    public Path data() {
        return data;
    }

    @Override
    public String getAbsoluteDirectory() {
        return "/";
    }

    @Override
    public String getConfDirectory() {
        return conf + "/";
    }

    @Override
    public String getVarDirectory() {
        return data + "/";
    }

    @Override
    public String getRootDirectory() {
        return home.toString();
    }

    @Override
    public String toString() {
        return MoreObjects.toStringHelper(this)
            .add("home", home)
            .add("conf", conf)
            .add("data", data)
            .toString();
    }
}
