package dev.mailwright.it.support;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The server's WebAdmin REST API, as an administrator (or ./mailwright admin) uses it. */
public final class WebAdmin {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String base;
    private final Supplier<Optional<String>> token;

    /** {@code token}: the administrator's token, read when a request is sent (the server creates it at start). */
    WebAdmin(String base, Supplier<Optional<String>> token) {
        this.base = base;
        this.token = token;
    }

    /** The same API without the administrator's token, as any other local user or program sees it. */
    public WebAdmin anonymous() {
        return new WebAdmin(base, Optional::empty);
    }

    public WebAdmin addDomain(String domain) {
        expect(send("PUT", "/domains/" + domain, null), 204);
        return this;
    }

    public WebAdmin addUser(String address, String password) {
        expect(send("PUT", "/users/" + address, "{\"password\":" + JSON.valueToTree(password) + "}"), 204);
        return this;
    }

    public WebAdmin addAlias(String alias, String target) {
        expect(send("PUT", "/address/aliases/" + target + "/sources/" + alias, null), 204);
        return this;
    }

    public WebAdmin createMailbox(String user, String mailbox) {
        expect(send("PUT", "/users/" + user + "/mailboxes/" + mailbox, null), 204);
        return this;
    }

    public boolean domainExists(String domain) {
        return send("GET", "/domains/" + domain, null).statusCode() == 204;
    }

    public boolean userExists(String address) {
        return send("HEAD", "/users/" + address, null).statusCode() == 200;
    }

    public JsonNode aliasesOf(String target) {
        return json(send("GET", "/address/aliases/" + target, null));
    }

    public long messageCount(String user, String mailbox) {
        HttpResponse<String> response = send("GET", "/users/" + user + "/mailboxes/" + mailbox + "/messageCount", null);
        if (response.statusCode() == 404) {
            return 0;
        }
        return json(response).asLong();
    }

    public long queueSize(String queue) {
        return json(send("GET", "/mailQueues/" + queue, null)).path("size").asLong();
    }

    /** Mails in a repository, by URL ({@code jpa://var/mail/error/}); WebAdmin addresses it by path. */
    public long repositorySize(String repositoryUrl) {
        String path = repositoryUrl.replaceFirst("^[a-z]+://", "");
        HttpResponse<String> response = send("GET", "/mailRepositories/" + encode(path), null);
        if (response.statusCode() == 404) {
            return 0;
        }
        return json(response).path("size").asLong();
    }

    /** GET of any route that answers JSON with 200. */
    public JsonNode getJson(String path) {
        return json(send("GET", path, null));
    }

    /** The base URL, e.g. {@code http://127.0.0.1:40123}. */
    public String base() {
        return base;
    }

    /** POST of a route that answers JSON with 200. */
    public JsonNode postJson(String path) {
        return json(send("POST", path, null));
    }

    /** GET of a route that answers text with 200 (our routes' {@code ?format=text}). */
    public String getText(String path) {
        HttpResponse<String> response = send("GET", path, null);
        expect(response, 200);
        return response.body();
    }

    /** The status code of {@code method path} without a body. */
    public int call(String method, String path) {
        return send(method, path, null).statusCode();
    }

    /** The whole answer to {@code method path} sent with extra headers ({@code name, value, name, value...}). */
    public HttpResponse<String> request(String method, String path, String... headers) {
        return send(method, path, null, headers);
    }

    /** Delivery traces of a message (our /deliveries routes). */
    public JsonNode deliveryTraces(String messageId) {
        return getJson("/deliveries/traces?messageId=" + encode(messageId));
    }

    public JsonNode healthcheck() {
        return json(send("GET", "/healthcheck", null));
    }

    public String metrics() {
        HttpResponse<String> response = send("GET", "/metrics", null);
        expect(response, 200);
        return response.body();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private HttpResponse<String> send(String method, String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        token.get().ifPresent(value -> request.header("Authorization", "Bearer " + value));
        if (headers.length > 0) {
            request.headers(headers);
        }
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void expect(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(response.request().method() + " " + response.request().uri() + " answered "
                + response.statusCode() + ": " + response.body());
        }
    }

    private static JsonNode json(HttpResponse<String> response) {
        expect(response, 200);
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + response.body(), e);
        }
    }
}
