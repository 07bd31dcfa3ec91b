package dev.mailwright.common.filter;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A client of rspamd's HTTP protocol: the scanner's {@code POST /checkv2} (the message, with the SMTP facts as
 * request headers) and {@code GET /ping}; the controller's {@code POST /learnspam} and {@code /learnham}. Every call
 * has a deadline (connection and answer); past it the call fails with {@link ScanUnavailable}.
 */
public final class RspamdClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** One HTTP client (one connection pool, one selector thread) for the JVM. */
    private static final HttpClient HTTP = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();

    /** rspamd's actions, mildest first. */
    public enum Action {
        NO_ACTION("no action"), GREYLIST("greylist"), ADD_HEADER("add header"), REWRITE_SUBJECT("rewrite subject"),
        SOFT_REJECT("soft reject"), REJECT("reject");

        private final String wire;

        Action(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        /** {@code add-header}: for logs and metric names. */
        public String label() {
            return wire.replace(' ', '-');
        }

        static Action parse(String value) throws ScanUnavailable {
            for (Action action : values()) {
                if (action.wire.equalsIgnoreCase(value)) {
                    return action;
                }
            }
            throw new ScanUnavailable("rspamd answered an unknown action '" + value + "'");
        }
    }

    /** The SMTP facts rspamd uses besides the message (its protocol's request headers). */
    public record Envelope(String clientIp, String helo, String sender, List<String> recipients, String user,
                           String queueId, String serverName) {
    }

    /** rspamd's answer: the action, the score against the reject threshold, the symbols that matched. */
    public record Verdict(Action action, double score, double requiredScore, String message, String subject,
                          Map<String, Double> symbols) {

        /** The symbols with the largest scores first, e.g. {@code GTUBE(6.00), MISSING_DATE(1.00)}; at most {@code max}. */
        public String topSymbols(int max) {
            List<Map.Entry<String, Double>> entries = new ArrayList<>(symbols.entrySet());
            entries.sort(Comparator.comparing((Map.Entry<String, Double> e) -> -Math.abs(e.getValue())).thenComparing(Map.Entry::getKey));
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < Math.min(max, entries.size()); i++) {
                if (i > 0) {
                    text.append(", ");
                }
                text.append(entries.get(i).getKey()).append('(').append(String.format(Locale.ROOT, "%.2f", entries.get(i).getValue())).append(')');
            }
            return text.toString();
        }
    }

    private final URI scanner;
    private final Optional<URI> controller;
    private final Optional<String> password;
    private final Duration deadline;

    public RspamdClient(URI scanner, Optional<URI> controller, Optional<String> password, Duration deadline) {
        this.scanner = scanner;
        this.controller = controller;
        this.password = password;
        this.deadline = deadline;
    }

    public URI scanner() {
        return scanner;
    }

    public Verdict check(Envelope envelope, byte[] message) throws ScanUnavailable {
        HttpRequest.Builder request = HttpRequest.newBuilder(scanner.resolve("/checkv2"))
            .timeout(deadline)
            .POST(HttpRequest.BodyPublishers.ofByteArray(message));
        header(request, "IP", envelope.clientIp());
        header(request, "Helo", envelope.helo());
        header(request, "From", envelope.sender());
        for (String recipient : envelope.recipients()) {
            header(request, "Rcpt", recipient);
        }
        header(request, "User", envelope.user());
        header(request, "Queue-Id", envelope.queueId());
        header(request, "MTA-Name", envelope.serverName());
        HttpResponse<byte[]> response = send(request.build(), scanner);
        if (response.statusCode() != 200) {
            throw new ScanUnavailable("rspamd " + scanner + " answered HTTP " + response.statusCode());
        }
        return parse(response.body());
    }

    static Verdict parse(byte[] body) throws ScanUnavailable {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            throw new ScanUnavailable("rspamd answered no JSON: " + e.getMessage());
        }
        if (json == null || !json.hasNonNull("action")) {
            String error = json != null && json.hasNonNull("error") ? json.get("error").asText() : "no action";
            throw new ScanUnavailable("rspamd answered without an action: " + error);
        }
        Map<String, Double> symbols = new LinkedHashMap<>();
        json.path("symbols").fields().forEachRemaining(field -> symbols.put(field.getKey(), field.getValue().path("score").asDouble()));
        return new Verdict(Action.parse(json.get("action").asText()),
            json.path("score").asDouble(), json.path("required_score").asDouble(),
            json.path("messages").path("smtp_message").asText(""),
            json.path("subject").asText(""),
            symbols);
    }

    /** Learns {@code message} as spam or ham (rspamd's Bayes statistics). */
    public void learn(boolean spam, byte[] message) throws ScanUnavailable {
        URI base = controller.orElseThrow(() -> new ScanUnavailable("no rspamd controller configured"));
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(spam ? "/learnspam" : "/learnham"))
            .timeout(deadline)
            .POST(HttpRequest.BodyPublishers.ofByteArray(message));
        password.ifPresent(secret -> request.header("Password", secret));
        HttpResponse<byte[]> response = send(request.build(), base);
        // 200 learned; 204 skipped (too few words); 208 already learned as such
        if (response.statusCode() / 100 != 2) {
            throw new ScanUnavailable("rspamd controller " + base + " answered HTTP " + response.statusCode() + ": "
                + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8).strip());
        }
    }

    /** The scanner's {@code /ping}: null when it answers, else what went wrong. */
    public String ping() {
        try {
            HttpResponse<byte[]> response = send(HttpRequest.newBuilder(scanner.resolve("/ping")).timeout(deadline).GET().build(), scanner);
            String body = new String(response.body(), java.nio.charset.StandardCharsets.US_ASCII).strip();
            return response.statusCode() == 200 && body.startsWith("pong") ? null : "rspamd answered " + response.statusCode() + " " + body;
        } catch (ScanUnavailable e) {
            return e.getMessage();
        }
    }

    private HttpResponse<byte[]> send(HttpRequest request, URI target) throws ScanUnavailable {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            throw new ScanUnavailable("rspamd " + target + ": no answer within " + deadline.toMillis() + " ms");
        } catch (IOException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new ScanUnavailable("rspamd " + target + ": " + reason);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScanUnavailable("rspamd " + target + ": interrupted");
        }
    }

    private static void header(HttpRequest.Builder request, String name, String value) {
        if (value != null && !value.isBlank()) {
            // header values may not carry line breaks; the SMTP facts never legitimately do
            request.header(name, value.replaceAll("[\\r\\n]", " ").strip());
        }
    }
}
