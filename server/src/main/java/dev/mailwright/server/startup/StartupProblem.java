package dev.mailwright.server.startup;

/** A reason the server cannot start, worded for the administrator: what is wrong and what to do. */
public class StartupProblem extends Exception {
    public StartupProblem(String message) {
        super(message);
    }

    public StartupProblem(String message, Throwable cause) {
        super(message, cause);
    }
}
