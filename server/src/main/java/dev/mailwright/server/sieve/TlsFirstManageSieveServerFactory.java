package dev.mailwright.server.sieve;

import java.util.ArrayList;
import java.util.List;

import javax.inject.Inject;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.managesieve.core.CoreProcessor;
import org.apache.james.managesieve.jsieve.Parser;
import org.apache.james.managesieve.transcode.ArgumentParser;
import org.apache.james.managesieve.transcode.ManageSieveProcessor;
import org.apache.james.managesieveserver.netty.ManageSieveServer;
import org.apache.james.protocols.lib.netty.AbstractConfigurableAsyncServer;
import org.apache.james.protocols.lib.netty.AbstractServerFactory;
import org.apache.james.sieverepository.api.SieveRepository;
import org.apache.james.user.api.UsersRepository;

/**
 * James's ManageSieve servers ({@code conf/managesieveserver.xml}), with their commands behind
 * {@link TlsFirstManageSieve} and a STARTTLS without a race ({@link TlsFirstManageSieveServer}). (James's own factory builds its command processor itself, so a binding cannot put
 * anything in front of it.)
 */
public class TlsFirstManageSieveServerFactory extends AbstractServerFactory {
    /** James's limit for one command line. */
    private static final int MAX_LINE_LENGTH = 8000;

    private final FileSystem fileSystem;
    private final ManageSieveProcessor processor;

    @Inject
    public TlsFirstManageSieveServerFactory(FileSystem fileSystem, SieveRepository sieveRepository,
                                            UsersRepository usersRepository, Parser parser) {
        this.fileSystem = fileSystem;
        this.processor = new ManageSieveProcessor(new ArgumentParser(
            new TlsFirstManageSieve(new CoreProcessor(sieveRepository, usersRepository, parser))));
    }

    @Override
    protected List<AbstractConfigurableAsyncServer> createServers(HierarchicalConfiguration<ImmutableNode> configuration) throws Exception {
        List<AbstractConfigurableAsyncServer> servers = new ArrayList<>();
        for (HierarchicalConfiguration<ImmutableNode> serverConfiguration : configuration.configurationsAt("managesieveserver")) {
            ManageSieveServer server = new TlsFirstManageSieveServer(MAX_LINE_LENGTH, processor);
            server.setFileSystem(fileSystem);
            server.configure(serverConfiguration);
            servers.add(server);
        }
        return servers;
    }
}
