package dev.mailwright.fuzz;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Optional;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.mailwright.mailets.routing.Route;
import dev.mailwright.mailets.routing.TransportMap;

/** Fuzz test, see docs/hardening.md (Fuzzing). */
class TransportMapFuzzTest {
    /** A transport map is read or refused with IllegalArgumentException; a map read routes every domain. */
    @FuzzTest(maxDuration = "15s")
    void transportMap(FuzzedDataProvider data) throws IOException {
        String domain = data.consumeString(100);
        String sender = data.consumeString(100);
        byte[] xml = data.consumeRemainingAsBytes();
        TransportMap map;
        try {
            map = TransportMap.parse(new ByteArrayInputStream(xml));
        } catch (IllegalArgumentException refused) {
            return;
        }
        Route route = map.routeFor(Optional.of(sender), domain);
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
