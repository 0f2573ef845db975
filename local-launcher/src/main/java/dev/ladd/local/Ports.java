package dev.ladd.local;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Small port checks: is a port free to listen on, does something answer on it. */
public final class Ports {

    private Ports() {
    }

    /** True when nothing listens on the port (on any address), so a server could bind it now. */
    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A port that was free a moment ago, chosen by the operating system. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("localhost", 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("could not find a free port", e);
        }
    }

    /** True when a TCP connection to localhost:port succeeds within the timeout. */
    static boolean accepts(int port, int timeoutMillis) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("localhost", port), timeoutMillis);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
