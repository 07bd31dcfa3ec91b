package dev.mailwright.server.webadmin;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.james.utils.PropertiesProvider;
import org.apache.james.webadmin.PublicRoutes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.net.InetAddresses;

import spark.Request;
import spark.Response;
import spark.Service;
import spark.Spark;

/**
 * Keeps browsers away from WebAdmin, on every route: public ones through this class's own filter, administration
 * routes through {@link WebAdminAuthentication}, which runs it first.
 *
 * <p>WebAdmin is an API for {@code ./mailwright admin} and scripts, never for web pages. A page opened in a browser
 * on the server's host could otherwise reach it: by a cross-origin request (James 3.8.1 turns CORS on for every
 * origin whatever {@code cors.enable} says) or by DNS rebinding (a name of the attacker's that resolves to
 * 127.0.0.1). So a request that carries an {@code Origin} header (every cross-origin request and every
 * state-changing request from a browser does) is refused with 403, as is one whose {@code Host} is not a loopback
 * address, {@code localhost}, the configured {@code host} or one of {@code allowedHosts}; the CORS headers James
 * adds are removed from every answer.
 */
public class WebAdminRequestGuard implements PublicRoutes {
    private static final Logger LOGGER = LoggerFactory.getLogger(WebAdminRequestGuard.class);
    private static final String[] CORS_HEADERS = {
        "Access-Control-Allow-Origin", "Access-Control-Request-Method", "Access-Control-Allow-Headers",
        "Access-Control-Allow-Methods"};

    private final Set<String> allowedHosts;

    @Inject
    WebAdminRequestGuard(PropertiesProvider properties) throws Exception {
        this(allowedHosts(properties.getConfiguration("webadmin")));
    }

    WebAdminRequestGuard(Set<String> allowedHosts) {
        this.allowedHosts = allowedHosts;
    }

    private static Set<String> allowedHosts(Configuration configuration) {
        return Stream.concat(
                Stream.of("localhost", configuration.getString("host", "127.0.0.1")),
                Arrays.stream(configuration.getStringArray("allowedHosts")))
            .map(name -> name.strip().toLowerCase(Locale.ROOT))
            .filter(name -> !name.isEmpty())
            .collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public String getBasePath() {
        return "/";
    }

    @Override
    public void define(Service service) {
        service.before("*", this::check);
    }

    /** Refuses (halts with 403) a request from a browser or naming a foreign host; removes James's CORS headers. */
    public void check(Request request, Response response) {
        for (String header : CORS_HEADERS) {
            response.raw().setHeader(header, null);
        }
        String origin = request.headers("Origin");
        if (origin != null) {
            refuse(request, "Origin " + origin, "Requests from web pages are not accepted");
        }
        String host = hostName(request.headers("Host"));
        if (!isAllowedHost(host)) {
            refuse(request, "Host " + host, "Unknown Host header: use 127.0.0.1 or add the name to allowedHosts in webadmin.properties");
        }
    }

    boolean isAllowedHost(String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        if (allowedHosts.contains(host)) {
            return true;
        }
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!InetAddresses.isInetAddress(literal)) {
            return false;
        }
        InetAddress address = InetAddresses.forString(literal);
        return address.isLoopbackAddress();
    }

    /** The host part of a Host header, lower case, without the port. */
    static String hostName(String header) {
        if (header == null) {
            return null;
        }
        String value = header.strip().toLowerCase(Locale.ROOT);
        if (value.startsWith("[")) {
            int end = value.indexOf(']');
            return end < 0 ? value : value.substring(0, end + 1);
        }
        int colon = value.indexOf(':');
        return colon < 0 || value.indexOf(':', colon + 1) >= 0 ? value : value.substring(0, colon);
    }

    private static void refuse(Request request, String what, String message) {
        LOGGER.warn("webadmin refused reason=\"{}\" client={} method={} path={}", what, request.ip(), request.requestMethod(),
            request.pathInfo());
        throw Spark.halt(403, "{\"statusCode\":403,\"type\":\"Forbidden\",\"message\":\"" + message + "\"}");
    }
}
