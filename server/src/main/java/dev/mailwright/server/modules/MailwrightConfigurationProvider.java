package dev.mailwright.server.modules;

import java.io.IOException;
import java.io.InputStream;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.XMLConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.james.server.core.configuration.FileConfigurationProvider;
import org.apache.james.util.LoggingLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code conf/<component>.xml} like James does, and lets the files use {@code ${mailwright:NAME}} variables
 * (see {@link ServerVariables}). A missing file is an empty configuration, as in James.
 */
public class MailwrightConfigurationProvider implements ConfigurationProvider {
    private static final Logger LOGGER = LoggerFactory.getLogger(MailwrightConfigurationProvider.class);

    private final FileSystem fileSystem;
    private final ServerVariables variables;

    public MailwrightConfigurationProvider(FileSystem fileSystem, ServerVariables variables) {
        this.fileSystem = fileSystem;
        this.variables = variables;
    }

    @Override
    public HierarchicalConfiguration<ImmutableNode> getConfiguration(String component, LoggingLevel loggingLevelOnError)
        throws ConfigurationException {
        String[] path = component.split("\\.");
        XMLConfiguration root;
        try (InputStream in = fileSystem.getResource(FileSystem.FILE_PROTOCOL_AND_CONF + path[0] + ".xml")) {
            root = FileConfigurationProvider.getConfig(in);
        } catch (IOException e) {
            loggingLevelOnError.format(LOGGER, "No configuration file {}.xml, using an empty configuration", path[0]);
            return new XMLConfiguration();
        }
        root.getInterpolator().registerLookup(ServerVariables.PREFIX, name -> variables.get(name).orElse(null));
        HierarchicalConfiguration<ImmutableNode> selected = root;
        for (int i = 1; i < path.length; i++) {
            selected = selected.configurationAt(path[i]);
        }
        return selected;
    }
}
