package dev.mailwright.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports on 127.0.0.1, for servers a test starts. They are drawn below Linux's ephemeral range (32768 and
 * up): a port the kernel handed out for bind(0) is also what it hands out as the local port of outgoing connections,
 * and under load (floods, other tests) such a port was taken by a client socket in the seconds between the choice and
 * a server process binding it.
 */
public final class FreePorts {
    private static final int FIRST = 20000;
    private static final int LAST = 32000;

    private FreePorts() {
    }

    public static int next() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(FIRST, LAST);
            if (bindable(port)) {
                return port;
            }
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}
