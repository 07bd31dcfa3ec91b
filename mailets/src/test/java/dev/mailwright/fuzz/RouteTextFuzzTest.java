package dev.mailwright.fuzz;

import java.util.Map;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.mailwright.mailets.routing.Route;

/** Fuzz test, see docs/hardening.md (Fuzzing). */
class RouteTextFuzzTest {
    /** A route written by hand: parsed or refused with IllegalArgumentException, and its text reads back the same. */
    @FuzzTest(maxDuration = "10s")
    void routeText(FuzzedDataProvider data) {
        String to = data.consumeString(200);
        Map<String, String> options = data.consumeBoolean() ? Map.of("tls", data.consumeString(20)) : Map.of();
        Route route;
        try {
            route = Route.parse(to, options);
        } catch (IllegalArgumentException refused) {
            return;
        }
        Route back = Route.fromText(route.asText());
        if (!back.equals(route)) {
            throw new IllegalStateException(route + " came back as " + back);
        }
    }
}
