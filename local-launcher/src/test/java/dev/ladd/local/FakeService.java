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
            // what a real service would read from its environment, by name and length only
            for (String variable : new String[]{"LADD_SERVICE_TOKEN", "LADD_GATEWAY_ADMIN_KEY"}) {
                String value = System.getenv(variable);
                System.out.println("fake service env " + variable + ": " + (value == null ? "unset" : value.length() + " characters"));
            }
            serve(args, 200);
        }
    }

    /** Answers 503 forever. */
    static final class NeverReady {
        public static void main(String[] args) throws IOException {
            serve(args, 503);
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

    /**
     * For the default alias's checks (all three services at once): ready, but no image (503), no promotion on any alias
     * ({@code []}), nothing loaded, and no trainer run: it logs the trainer's refusal of the default student.
     */
    static final class DefaultStudentRefused {
        public static void main(String[] args) throws IOException {
            System.out.println("ERROR d.l.t.training.DefaultStudentImport : the default student at /repo/models/default-student"
                    + " (ladd.trainer.default-student.dir) was refused and is not imported: student.safetensors is missing");
            serveAlias(args, 404);
        }
    }

    /** As {@link DefaultStudentRefused}, but the trainer has the run: the gateway has just not served it (yet). */
    static final class DefaultStudentNeverServed {
        public static void main(String[] args) throws IOException {
            serveAlias(args, 200);
        }
    }

    private static void serveAlias(String[] args, int runStatus) throws IOException {
        HttpServer server = serve(args, 200);
        answer(server, "/v1/images/generations", 503, "{\"title\":\"no model\"}");
        answer(server, "/api/v1/runs/", runStatus, "{}");
        answer(server, "/api/v1/serving/", 200, "[]");
    }

    private static void answer(HttpServer server, String path, int status, String json) {
        server.createContext(path, exchange -> {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
    }

    private static HttpServer serve(String[] args, int status) throws IOException {
        return serve(args, status, status == 200 ? "{\"status\":\"UP\"}" : "{\"status\":\"OUT_OF_SERVICE\"}");
    }

    private static HttpServer serve(String[] args, int status, String readiness) throws IOException {
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
        return server;
    }
}
