package dev.mailwright.mailets.routing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * The routing table of {@code conf/transport.xml}: which {@link Route} a recipient's copy takes.
 *
 * <p>Precedence: the recipient domain's exact entry, then the longest matching {@code .parent} wildcard entry, then
 * the sender domain's entry (sender-dependent relay, exact then wildcard), then {@code <default>} (itself {@code mx}
 * when absent). Domains compare case-insensitively.
 */
public final class TransportMap {
    private final Map<String, Route> recipientExact;
    private final List<Map.Entry<String, Route>> recipientWildcards;
    private final Map<String, Route> senderExact;
    private final List<Map.Entry<String, Route>> senderWildcards;
    private final Route defaultRoute;

    private TransportMap(Map<String, Route> recipients, Map<String, Route> senders, Route defaultRoute) {
        this.recipientExact = exact(recipients);
        this.recipientWildcards = wildcards(recipients);
        this.senderExact = exact(senders);
        this.senderWildcards = wildcards(senders);
        this.defaultRoute = defaultRoute;
    }

    /** A map with only a default route. */
    public static TransportMap of(Route defaultRoute) {
        return new TransportMap(Map.of(), Map.of(), defaultRoute);
    }

    public Route routeFor(Optional<String> senderDomain, String recipientDomain) {
        return lookup(recipientExact, recipientWildcards, recipientDomain)
            .or(() -> senderDomain.flatMap(domain -> lookup(senderExact, senderWildcards, domain)))
            .orElse(defaultRoute);
    }

    public Route defaultRoute() {
        return defaultRoute;
    }

    private static Optional<Route> lookup(Map<String, Route> exact, List<Map.Entry<String, Route>> wildcards, String domain) {
        String name = normalize(domain);
        Route route = exact.get(name);
        if (route != null) {
            return Optional.of(route);
        }
        return wildcards.stream()
            .filter(entry -> name.endsWith(entry.getKey()))
            .map(Map.Entry::getValue)
            .findFirst();
    }

    private static Map<String, Route> exact(Map<String, Route> entries) {
        Map<String, Route> exact = new HashMap<>();
        entries.forEach((domain, route) -> {
            if (!domain.startsWith(".")) {
                exact.put(domain, route);
            }
        });
        return exact;
    }

    /** {@code .example.org} matches any name below example.org (not example.org itself); longest suffix first. */
    private static List<Map.Entry<String, Route>> wildcards(Map<String, Route> entries) {
        return entries.entrySet().stream()
            .filter(entry -> entry.getKey().startsWith("."))
            .map(entry -> Map.entry(entry.getKey(), entry.getValue()))
            .sorted(Comparator.comparingInt((Map.Entry<String, Route> entry) -> entry.getKey().length()).reversed())
            .toList();
    }

    private static String normalize(String domain) {
        String name = domain.strip().toLowerCase(Locale.ROOT);
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    public static TransportMap load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads {@code <transport>} with {@code <route domain=".." to=".."/>}, {@code <sender domain=".." to=".."/>} and
     * at most one {@code <default to=".."/>}; other attributes are the route's options ({@code tls},
     * {@code credentials}, {@code reply}).
     */
    public static TransportMap parse(InputStream xml) throws IOException {
        Element root = document(xml);
        if (!root.getTagName().equals("transport")) {
            throw new IllegalArgumentException("the root element must be <transport>, not <" + root.getTagName() + ">");
        }
        Map<String, Route> recipients = new LinkedHashMap<>();
        Map<String, Route> senders = new LinkedHashMap<>();
        Route defaultRoute = null;
        for (Node node = root.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (!(node instanceof Element element)) {
                continue;
            }
            Map<String, String> attributes = attributes(element);
            String to = attributes.remove("to");
            if (to == null) {
                throw new IllegalArgumentException("<" + element.getTagName() + "> needs a 'to' attribute");
            }
            switch (element.getTagName()) {
                case "route", "sender" -> {
                    String domain = attributes.remove("domain");
                    if (domain == null || domain.isBlank()) {
                        throw new IllegalArgumentException("<" + element.getTagName() + " to=\"" + to + "\"> needs a 'domain'");
                    }
                    Route route = route(to, attributes);
                    Map<String, Route> table = element.getTagName().equals("route") ? recipients : senders;
                    if (table.put(normalize(domain), route) != null) {
                        throw new IllegalArgumentException("domain " + domain + " appears twice in <" + element.getTagName() + ">");
                    }
                    if (route.kind() == Route.Kind.LOCAL && table == senders) {
                        throw new IllegalArgumentException("a <sender> route cannot be local: " + domain);
                    }
                }
                case "default" -> {
                    if (defaultRoute != null) {
                        throw new IllegalArgumentException("more than one <default>");
                    }
                    defaultRoute = route(to, attributes);
                }
                default -> throw new IllegalArgumentException("unknown element <" + element.getTagName()
                    + "> (expected route, sender or default)");
            }
        }
        return new TransportMap(recipients, senders, defaultRoute != null ? defaultRoute : Route.MX_DEFAULT);
    }

    private static Route route(String to, Map<String, String> options) {
        List<String> unknown = new ArrayList<>(options.keySet());
        unknown.removeAll(List.of("tls", "credentials", "reply"));
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown attribute(s) " + unknown + " on route " + to);
        }
        return Route.parse(to, options);
    }

    private static Map<String, String> attributes(Element element) {
        Map<String, String> attributes = new LinkedHashMap<>();
        NamedNodeMap map = element.getAttributes();
        for (int i = 0; i < map.getLength(); i++) {
            attributes.put(map.item(i).getNodeName(), map.item(i).getNodeValue());
        }
        return attributes;
    }

    private static Element document(InputStream xml) throws IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(null);
            return builder.parse(xml).getDocumentElement();
        } catch (SAXException e) {
            throw new IllegalArgumentException("not well-formed XML: " + e.getMessage(), e);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }
}
