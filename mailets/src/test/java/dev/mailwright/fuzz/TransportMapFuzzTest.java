package dev.mailwright.fuzz;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.mailwright.mailets.routing.Route;
import dev.mailwright.mailets.routing.TransportMap;

/** Fuzz test, see docs/hardening.md (Fuzzing). */
class TransportMapFuzzTest {
    /** A transport map is read or refused with IllegalArgumentException; a map read routes every domain. */
    @DictionaryEntries({"<transport>", "</transport>", "<route ", "<sender ", "<default ", "domain=\"", "to=\"", "tls=\"",
        "reply=\"", "credentials=\"", "*.", "smtp:[", "]:", "lmtp:[", "mx", "hold", "reject", "local", "require", "/>"})
    @FuzzTest(maxDuration = "10s") // last: Jazzer requires it
    void transportMap(byte[] xml) throws IOException {
        TransportMap map;
        try {
            map = TransportMap.parse(new ByteArrayInputStream(xml));
        } catch (IllegalArgumentException refused) {
            return;
        }
        for (String domain : List.of("a.test", "sub.example.net", "held.test", "", ".", "*.")) {
            Route route = map.routeFor(Optional.of("bulk.example.test"), domain);
            if (route == null) {
                throw new IllegalStateException("no route for " + domain);
            }
            // a route travels as text in a mail attribute (to the outbound queue) and must come back the same
            Route back = Route.fromText(route.asText());
            if (!back.equals(route)) {
                throw new IllegalStateException(route + " came back as " + back);
            }
        }
    }
}
