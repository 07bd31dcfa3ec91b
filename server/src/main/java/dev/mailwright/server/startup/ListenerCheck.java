package dev.mailwright.server.startup;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Properties;

/**
 * Tries every address the server is about to listen on, so that a port held by another program or a privileged
 * port without the right to bind it is reported in one line before anything starts.
 */
public final class ListenerCheck {
    private ListenerCheck() {
    }

    public static void check(ConfigFiles files) throws StartupProblem {
        for (ProtocolServers.Server server : ProtocolServers.enabled(files)) {
            for (String bind : server.binds()) {
                tryBind(bind, server.file() + " (" + server.name() + ")", "<bind>");
            }
        }
        Properties webadmin = files.properties("webadmin.properties").orElse(null);
        if (webadmin != null && Boolean.parseBoolean(webadmin.getProperty("enabled", "false").strip())) {
            String host = webadmin.getProperty("host", "localhost").strip();
            String port = webadmin.getProperty("port", "8000").strip();
            tryBind(host + ":" + port, "webadmin.properties", "host/port");
        }
    }

    private static void tryBind(String bind, String where, String setting) throws StartupProblem {
        int colon = bind.lastIndexOf(':');
        if (colon < 0) {
            throw new StartupProblem(where + ": listen address '" + bind + "' has no port; write host:port in " + setting);
        }
        String host = bind.substring(0, colon).replace("[", "").replace("]", "");
        int port;
        try {
            port = Integer.parseInt(bind.substring(colon + 1).strip());
        } catch (NumberFormatException e) {
            throw new StartupProblem(where + ": '" + bind + "' is not a valid port; write host:port in " + setting);
        }
        if (port == 0) {
            return;
        }
        InetSocketAddress address;
        try {
            address = new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new StartupProblem(where + ": cannot resolve listen address '" + host + "'; fix " + setting);
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(address);
        } catch (BindException e) {
            String reason = String.valueOf(e.getMessage()).toLowerCase();
            if (reason.contains("permission") || reason.contains("denied")) {
                throw new StartupProblem("not allowed to listen on " + bind + " (" + where + "): ports below 1024 need root "
                    + "or the CAP_NET_BIND_SERVICE capability; or change " + setting);
            }
            if (reason.contains("assign")) {
                throw new StartupProblem("cannot listen on " + bind + " (" + where + "): this machine has no such address; change " + setting);
            }
            throw new StartupProblem("port " + bind + " is already in use (" + where + "): stop the program holding it "
                + "(e.g. `ss -ltnp 'sport = :" + port + "'`) or change " + setting);
        } catch (SocketException e) {
            throw new StartupProblem("cannot listen on " + bind + " (" + where + "): " + e.getMessage());
        } catch (IOException e) {
            throw new StartupProblem("cannot listen on " + bind + " (" + where + "): " + e.getMessage(), e);
        }
    }
}
