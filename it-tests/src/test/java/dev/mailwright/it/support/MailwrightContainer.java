package dev.mailwright.it.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.Slf4jLogConsumer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.PullPolicy;
import org.testcontainers.utility.DockerImageName;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.Volume;

/**
 * A container of the Mailwright image, as an operator runs it: published ports on 127.0.0.1 only (tests reach the
 * server from "outside" the container, 172.17.0.1 as the server sees it), configuration by environment, files and
 * volumes mounted, administration through the {@code mailwright admin} command inside the container (WebAdmin stays
 * on the container's loopback). Host ports are chosen once, so they stay the same across {@code docker stop}/start.
 */
public final class MailwrightContainer extends GenericContainer<MailwrightContainer> {
    public static final String DATA = "/var/lib/mailwright";
    public static final String CONFIG = "/etc/mailwright";
    public static final String EXTENSIONS = "/opt/mailwright/extensions-jars";
    static final List<Integer> PORTS = List.of(25, 465, 587, 143, 993);
    // about 15 s on an idle machine; much more when other builds share the CPUs
    static final Duration STARTUP = Duration.ofMinutes(5);

    private final Map<Integer, Integer> hostPorts = new HashMap<>();
    private final List<Bind> binds = new ArrayList<>();

    public MailwrightContainer() {
        super(DockerImageName.parse(MailwrightImage.NAME));
        PORTS.forEach(port -> hostPorts.put(port, FreePorts.next()));
        withImagePullPolicy(PullPolicy.defaultPolicy());
        withExposedPorts(PORTS.toArray(Integer[]::new));
        withLogConsumer(new Slf4jLogConsumer(LoggerFactory.getLogger("mailwright.container")).withSeparateOutputStreams());
        waitingFor(Wait.forHealthcheck().withStartupTimeout(STARTUP));
        withCreateContainerCmdModifier(command -> {
            List<PortBinding> bindings = PORTS.stream()
                .map(port -> new PortBinding(Ports.Binding.bindIpAndPort("127.0.0.1", hostPorts.get(port)), ExposedPort.tcp(port)))
                .toList();
            List<Bind> allBinds = new ArrayList<>(binds);
            if (command.getHostConfig().getBinds() != null) {
                allBinds.addAll(Arrays.asList(command.getHostConfig().getBinds()));
            }
            command.getHostConfig()
                .withPublishAllPorts(false)
                .withPortBindings(bindings)
                .withBinds(allBinds);
        });
    }

    /** The data folder on a named Docker volume, which outlives the container. */
    public MailwrightContainer withDataVolume(String volume) {
        binds.add(new Bind(volume, new Volume(DATA)));
        return this;
    }

    /** A host file or folder mounted read-only, made readable for the server's user (uid 10025) as it must be. */
    public MailwrightContainer withReadOnlyFile(Path hostPath, String containerPath) {
        makeReadableByAll(hostPath);
        binds.add(new Bind(hostPath.toAbsolutePath().toString(), new Volume(containerPath), AccessMode.ro));
        return this;
    }

    /** The host port published for a port of the container ({@code port(587)}). */
    public int port(int containerPort) {
        return hostPorts.get(containerPort);
    }

    /** {@code mailwright admin ARGS...} inside the container; its output, or an exception with what it said. */
    public String admin(String... arguments) {
        List<String> command = new ArrayList<>(List.of("mailwright", "admin"));
        command.addAll(List.of(arguments));
        return exec(command.toArray(String[]::new));
    }

    public MailwrightContainer addDomain(String domain) {
        admin("domain", "add", domain);
        return this;
    }

    /** Adds a user the way an operator does: the password on the admin command's standard input. */
    public MailwrightContainer addUser(String address, String password) {
        exec("sh", "-c", "printf '%s\\n' \"$1\" | mailwright admin user add \"$2\"", "sh", password, address);
        return this;
    }

    /** Mails waiting in any of the server's queues (spool, outgoing...), as {@code mailwright admin queue list} shows. */
    public long queuedMails() {
        return admin("queue", "list").lines()
            .map(line -> line.trim().split("\\s+"))
            .filter(fields -> fields.length == 3 && fields[2].equals("mails"))
            .mapToLong(fields -> Long.parseLong(fields[1]))
            .sum();
    }

    public String exec(String... command) {
        try {
            ExecResult result = execInContainer(command);
            if (result.getExitCode() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + result.getExitCode() + ": "
                    + result.getStdout() + result.getStderr());
            }
            return result.getStdout();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** How a {@code docker stop} went: how long it took and the exit code of the server. */
    public record Stopped(Duration took, long exitCode) {
    }

    /** {@code docker stop} with Docker's default 10 s grace period: SIGTERM, then SIGKILL if still running. */
    public Stopped dockerStop() {
        DockerClient docker = DockerClientFactory.instance().client();
        long started = System.nanoTime();
        docker.stopContainerCmd(getContainerId()).withTimeout(10).exec();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        return new Stopped(took, docker.inspectContainerCmd(getContainerId()).exec().getState().getExitCodeLong());
    }

    /** {@code docker kill}: SIGKILL, no chance to clean up, as a crash or a power cut of the process. */
    public long dockerKill() {
        DockerClient docker = DockerClientFactory.instance().client();
        docker.killContainerCmd(getContainerId()).withSignal("KILL").exec();
        await().atMost(Duration.ofSeconds(10)).until(() ->
            !Boolean.TRUE.equals(docker.inspectContainerCmd(getContainerId()).exec().getState().getRunning()));
        return docker.inspectContainerCmd(getContainerId()).exec().getState().getExitCodeLong();
    }

    /** {@code docker start} of the stopped container, until it is healthy again. */
    public void dockerStart() {
        DockerClient docker = DockerClientFactory.instance().client();
        docker.startContainerCmd(getContainerId()).exec();
        await().atMost(STARTUP).pollInterval(Duration.ofMillis(500)).until(() -> {
            InspectContainerResponse.ContainerState state = docker.inspectContainerCmd(getContainerId()).exec().getState();
            if (!Boolean.TRUE.equals(state.getRunning())) {
                throw new IllegalStateException("the container stopped: exit code " + state.getExitCodeLong() + "\n" + getLogs());
            }
            return "healthy".equals(state.getHealth().getStatus());
        });
    }

    public static void removeVolume(String volume) {
        DockerClientFactory.instance().client().removeVolumeCmd(volume).exec();
    }

    private static void makeReadableByAll(Path path) {
        try (Stream<Path> paths = Files.walk(path)) {
            for (Path each : paths.toList()) {
                Files.setPosixFilePermissions(each, PosixFilePermissions.fromString(Files.isDirectory(each) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
