package dev.mailwright.mailets;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The packages of this module depend on each other one way only, read from the sources' imports: routing and
 * delivery do not import each other both ways (the router bounces through {@code bounce}, not through the delivery),
 * and the delivery's parts do not reach back into the mailet that assembles them.
 */
class PackageDependenciesTest {
    private static final String ROOT = "dev.mailwright.mailets";
    private static final Pattern PACKAGE = Pattern.compile("(?m)^package ([\\w.]+);");
    private static final Pattern IMPORT = Pattern.compile("(?m)^import (?:static )?(dev\\.mailwright\\.mailets(?:\\.[a-z]\\w*)*)\\.[A-Z][\\w.*]*;");

    @Test
    void thereIsNoImportCycleBetweenPackages() throws IOException {
        Map<String, Set<String>> graph = graph();
        for (String start : graph.keySet()) {
            assertThat(reachable(graph, start)).as("packages reachable from " + start).doesNotContain(start);
        }
    }

    @Test
    void routingKnowsNothingOfTheDeliveryAndThePartsNothingOfTheMailet() throws IOException {
        Map<String, Set<String>> graph = graph();
        assertThat(reachable(graph, ROOT + ".routing")).noneMatch(p -> p.startsWith(ROOT + ".delivery"));
        assertThat(reachable(graph, ROOT + ".bounce")).containsOnly(ROOT + ".outcome");
        for (String part : List.of("queue", "retry", "nexthop", "smtp")) {
            assertThat(reachable(graph, ROOT + ".delivery." + part)).doesNotContain(ROOT + ".delivery");
        }
        assertThat(reachable(graph, ROOT + ".delivery.retry")).containsOnly(ROOT + ".outcome");
        assertThat(reachable(graph, ROOT + ".delivery.smtp")).containsOnly(ROOT + ".outcome", ROOT + ".wire");
        assertThat(reachable(graph, ROOT + ".dkim")).containsOnly(ROOT + ".wire");
    }

    private static Map<String, Set<String>> graph() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        List<Path> sources;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            sources = files.filter(file -> file.toString().endsWith(".java")).toList();
        }
        assertThat(sources).hasSizeGreaterThan(20);
        for (Path source : sources) {
            String text = Files.readString(source);
            Matcher declared = PACKAGE.matcher(text);
            if (!declared.find()) {
                continue;
            }
            String from = declared.group(1);
            Set<String> imports = graph.computeIfAbsent(from, p -> new TreeSet<>());
            Matcher imported = IMPORT.matcher(text);
            while (imported.find()) {
                if (!imported.group(1).equals(from)) {
                    imports.add(imported.group(1));
                }
            }
        }
        return graph;
    }

    private static Set<String> reachable(Map<String, Set<String>> graph, String start) {
        Set<String> seen = new TreeSet<>();
        List<String> todo = new ArrayList<>(graph.getOrDefault(start, Set.of()));
        while (!todo.isEmpty()) {
            String next = todo.remove(todo.size() - 1);
            if (seen.add(next)) {
                todo.addAll(graph.getOrDefault(next, Set.of()));
            }
        }
        return seen;
    }
}
