package dev.mailwright.mailets.routing;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

/** The route a mail copy travels with from the router to the outbound delivery (a plain string attribute). */
public final class RouteAttribute {
    public static final AttributeName NAME = AttributeName.of("dev.mailwright.route");

    private RouteAttribute() {
    }

    /** The mail's route; {@code mx} when it has none (a mail sent straight to the delivery processor). */
    public static Route of(Mail mail) {
        return mail.getAttribute(NAME)
            .map(attribute -> Route.fromText(String.valueOf(attribute.getValue().getValue())))
            .orElse(Route.MX_DEFAULT);
    }

    public static void set(Mail mail, Route route) {
        mail.setAttribute(new Attribute(NAME, AttributeValue.of(route.asText())));
    }
}
