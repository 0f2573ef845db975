package dev.ladd.local;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** Stand-ins for a Spring Boot service jar, for {@link ServiceProcessTest}: each nested class is one behaviour. */
final class FakeService {

    private FakeService() {
    }

    /** Answers 200 on the readiness probe on --server.port and prints its arguments. */
    static final class Ready {
        public static void main(String[] args) throws IOException {
            System.out.println("fake service args: " + String.join(" ", args));
            serve(args, 200, "{\"status\":\"UP\"}");
        }
    }

    /** Answers 503 forever. */
    static final class NeverReady {
        public static void main(String[] args) throws IOException {
            serve(args, 503, "{\"status\":\"OUT_OF_SERVICE\"}");
        }
    }

    /** Answers 503 with a failed numerical backend self-check, as platform-support's indicator words it. */
    static final class BrokenBackend {
        public static void main(String[] args) throws IOException {
            serve(args, 503, "{\"status\":\"DOWN\",\"components\":{\"numericalBackend\":{\"status\":\"DOWN\","
                    + "\"details\":{\"summary\":\"libtorch computes wrong results on this machine: conv 32→1: input "
                    + "gradient off by 0.617 (\\\"unset\\\" here)\"}},\"readinessState\":{\"status\":\"UP\"}}}");
        }
    }

    /** Exits at once with code 3. */
    static final class Crashing {
        public static void main(String[] args) {
            System.out.println("boom: the fake service gives up");
            System.exit(3);
        }
    }

    private static void serve(String[] args, int status, String readiness) throws IOException {
        int port = 0;
        for (String arg : args) {
            if (arg.startsWith("--server.port=")) {
                port = Integer.parseInt(arg.substring("--server.port=".length()));
            }
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/actuator/health/readiness", exchange -> {
            byte[] body = readiness.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }
}
