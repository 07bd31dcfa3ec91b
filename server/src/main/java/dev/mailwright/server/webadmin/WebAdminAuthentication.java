package dev.mailwright.server.webadmin;

import org.apache.james.webadmin.authentication.AuthenticationFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import spark.HaltException;
import spark.Request;
import spark.Response;

/**
 * The filter James runs before every administration route: first the {@link WebAdminRequestGuard} (browsers,
 * foreign Host names, CORS headers), then James's authentication (the JWT filter), with one log line per refused
 * request, for fail2ban or a SIEM: {@code webadmin refused reason="401 ..." client=IP method=M path=P}.
 */
public class WebAdminAuthentication implements AuthenticationFilter {
    private static final Logger LOGGER = LoggerFactory.getLogger(WebAdminAuthentication.class);

    private final WebAdminRequestGuard guard;
    private final AuthenticationFilter delegate;

    public WebAdminAuthentication(WebAdminRequestGuard guard, AuthenticationFilter delegate) {
        this.guard = guard;
        this.delegate = delegate;
    }

    @Override
    public void handle(Request request, Response response) throws Exception {
        guard.check(request, response);
        try {
            delegate.handle(request, response);
        } catch (HaltException refused) {
            LOGGER.warn("webadmin refused reason=\"{} {}\" client={} method={} path={}", refused.statusCode(), refused.body(),
                request.ip(), request.requestMethod(), request.pathInfo());
            throw refused;
        }
    }
}
