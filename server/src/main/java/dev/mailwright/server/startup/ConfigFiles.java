package dev.mailwright.server.startup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

import dev.mailwright.server.modules.ServerVariables;

/**
 * The server's configuration folder as plain files: checks that every XML file parses (so a typo gives one line
 * naming the file and line, not a stack trace) and reads the few values the pre-start checks need.
 */
public final class ConfigFiles {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{" + ServerVariables.PREFIX + ":([a-z]+)}");

    private final Path conf;
    private final Path data;
    private final ServerVariables variables;

    public ConfigFiles(Path conf, Path data, ServerVariables variables) {
        this.conf = conf;
        this.data = data;
        this.variables = variables;
    }

    public Path conf() {
        return conf;
    }

    /** Parses every {@code *.xml} of the configuration folder. */
    public void checkXmlSyntax() throws StartupProblem {
        if (!Files.isDirectory(conf)) {
            throw new StartupProblem("configuration folder " + conf + " does not exist: pass --conf DIR pointing at a Mailwright conf/ folder");
        }
        try (Stream<Path> files = Files.list(conf)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".xml")).sorted().toList()) {
                parse(file);
            }
        } catch (IOException e) {
            throw new StartupProblem("cannot read configuration folder " + conf + ": " + e.getMessage(), e);
        }
    }

    /** The parsed document of {@code conf/<name>}, if the file exists. */
    public Optional<Document> xml(String name) throws StartupProblem {
        Path file = conf.resolve(name);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return Optional.of(parse(file));
    }

    public Optional<Properties> properties(String name) throws StartupProblem {
        Path file = conf.resolve(name);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (var reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new StartupProblem(file + " cannot be read: " + e.getMessage(), e);
        }
        return Optional.of(properties);
    }

    /** Substitutes {@code ${mailwright:NAME}} variables the way the server will. */
    public String expand(String value) {
        Matcher matcher = VARIABLE.matcher(value.strip());
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(result, Matcher.quoteReplacement(variables.get(matcher.group(1)).orElse(matcher.group())));
        }
        matcher.appendTail(result);
        return result.toString();
    }

    /** Where a James resource URL ({@code file://var/x}, {@code file://conf/x}, {@code file:///abs}) points. */
    public Optional<Path> resolve(String url) {
        String value = expand(url);
        if (value.startsWith("file://var/")) {
            return Optional.of(data.resolve(value.substring("file://var/".length())));
        }
        if (value.startsWith("file://conf/")) {
            return Optional.of(conf.resolve(value.substring("file://conf/".length())));
        }
        if (value.startsWith("file:///")) {
            return Optional.of(Path.of(value.substring("file://".length())));
        }
        if (value.startsWith("/")) {
            return Optional.of(Path.of(value));
        }
        return Optional.empty();
    }

    static List<Element> children(Element parent, String name) {
        List<Element> result = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node node = nodes.item(i);
            if (node instanceof Element element && element.getTagName().equals(name)) {
                result.add(element);
            }
        }
        return result;
    }

    static Optional<String> childText(Element parent, String name) {
        return children(parent, name).stream().findFirst().map(e -> e.getTextContent().strip());
    }

    private Document parse(Path file) throws StartupProblem {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(null);
            return builder.parse(file.toFile());
        } catch (SAXParseException e) {
            throw new StartupProblem(file + " line " + e.getLineNumber() + ": " + e.getMessage()
                + " (fix the XML syntax of this file)", e);
        } catch (SAXException | IOException | ParserConfigurationException e) {
            throw new StartupProblem(file + " cannot be read: " + e.getMessage(), e);
        }
    }
}
