package dev.mailwright.it.support;

import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;

import com.github.dockerjava.api.exception.NotFoundException;

/**
 * The Mailwright Docker image under test: {@code mailwright:<version>}, built from these sources by
 * {@code docker/build-image.sh} before the tests run (system property {@code mailwright.image}).
 *
 * <p>Without a Docker engine or without the image, image tests are skipped, so that developers without Docker can
 * run {@code mvn verify}; {@code .ci/run} sets {@code MAILWRIGHT_IT_REQUIRE_DOCKER=1}, which turns both into failures.
 */
public final class MailwrightImage {
    public static final String NAME = System.getProperty("mailwright.image", "mailwright:latest");

    private MailwrightImage() {
    }

    public static boolean required() {
        return "1".equals(System.getenv("MAILWRIGHT_IT_REQUIRE_DOCKER"));
    }

    /** Skips the calling test (or fails it when Docker is required) unless the engine answers and the image exists. */
    public static void assumeAvailable() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            unavailable("no Docker engine answers");
        }
        try {
            DockerClientFactory.instance().client().inspectImageCmd(NAME).exec();
        } catch (NotFoundException e) {
            unavailable("the image " + NAME + " does not exist: build it with docker/build-image.sh");
        }
    }

    private static void unavailable(String reason) {
        if (required()) {
            throw new IllegalStateException("MAILWRIGHT_IT_REQUIRE_DOCKER=1 but " + reason);
        }
        Assumptions.abort(reason + " (image tests skipped; .ci/run makes them mandatory)");
    }
}
