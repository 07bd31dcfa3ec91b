package dev.mailwright.mailets.webadmin;

import javax.inject.Inject;

import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.ErrorResponder;
import org.apache.james.webadmin.utils.JsonTransformer;

import dev.mailwright.mailets.delivery.DeliveryTraces;
import spark.Request;
import spark.Service;

/**
 * WebAdmin: what happened to outgoing mail.
 * <ul>
 *   <li>{@code GET /deliveries/traces?messageId=<id>}: every attempt for every copy of a message;</li>
 *   <li>{@code GET /deliveries/traces/{mailName}}: the attempts of one queued mail (its name in the log);</li>
 *   <li>{@code GET /deliveries/deferred}: destinations whose last attempt was deferred, with the reply.</li>
 * </ul>
 * Enabled with {@code extensions.routes=dev.mailwright.mailets.webadmin.DeliveryRoutes} in webadmin.properties.
 */
public class DeliveryRoutes implements Routes {
    static final String BASE = "/deliveries";

    private final DeliveryTraces traces;
    private final JsonTransformer json;

    @Inject
    public DeliveryRoutes(DeliveryTraces traces, JsonTransformer json) {
        this.traces = traces;
        this.json = json;
    }

    @Override
    public String getBasePath() {
        return BASE;
    }

    @Override
    public void define(Service service) {
        service.get(BASE + "/traces", (request, response) -> traces.ofMessageId(messageId(request)), json);
        service.get(BASE + "/traces/:mailName", (request, response) -> traces.ofMail(request.params("mailName")), json);
        service.get(BASE + "/deferred", (request, response) -> traces.deferredDestinations(), json);
    }

    private static String messageId(Request request) {
        String id = request.queryParams("messageId");
        if (id == null || id.isBlank()) {
            throw ErrorResponder.builder()
                .statusCode(400)
                .type(ErrorResponder.ErrorType.INVALID_ARGUMENT)
                .message("the messageId query parameter is required (or use /deliveries/traces/{mailName})")
                .haltError();
        }
        return id;
    }
}
