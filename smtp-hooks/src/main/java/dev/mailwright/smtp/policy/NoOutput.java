package dev.mailwright.smtp.policy;

import java.util.List;

import org.apache.james.protocols.api.Response;

/**
 * A reply with no lines: "send nothing now", like James's own {@link Response#DISCONNECT} without the disconnect.
 * Handlers answer with it instead of {@code null} because James's JMX handler statistics (on by default in a
 * handler chain) fail on a {@code null} connect response or command result. The code is what the statistics count.
 */
public record NoOutput(String getRetCode) implements Response {

    @Override
    public List<CharSequence> getLines() {
        return List.of();
    }

    @Override
    public boolean isEndSession() {
        return false;
    }
}
