package dev.ladd.local;

import java.nio.file.Path;

/**
 * One service process the launcher runs as a child JVM: {@code java -Xmx<heap> -jar <repo>/<name>/target/<name>-<version>.jar}.
 *
 * @param name    the Maven module and artifact, e.g. {@code gateway-service}
 * @param port    its HTTP port
 * @param heap    its maximum heap, as for {@code -Xmx} (e.g. {@code 512m})
 * @param replica which replica of the service this is, from 1 ({@code --trainer-replicas}, {@code --inference-replicas})
 */
public record ServiceSpec(String name, int port, String heap, int replica) {

    /** How far apart the ports of one service's replicas are: replica r listens on port + (r - 1) × this. */
    public static final int REPLICA_PORT_STEP = 10;

    /** The first (or only) replica of a service. */
    public ServiceSpec(String name, int port, String heap) {
        this(name, port, heap, 1);
    }

    public ServiceSpec {
        if (replica < 1) {
            throw new IllegalArgumentException("replica numbers start at 1: " + replica);
        }
    }

    /** The service's name for the first replica, {@code <name>-<replica>} for the others: its log, pid file, replica id. */
    public String id() {
        return replica == 1 ? name : name + "-" + replica;
    }

    /** The services of the platform, in start order, with their default ports. */
    public static final java.util.List<String> ALL = java.util.List.of(
            "gateway-service", "teacher-service", "trainer-service", "eval-service", "inference-service");

    public static final int DEFAULT_BASE_PORT = 8080;

    static final String VERSION = "0.1.0-SNAPSHOT";

    /** The name without {@code -service}: {@code gateway}. */
    public String shortName() {
        return shortName(name);
    }

    static String shortName(String name) {
        return name.endsWith("-service") ? name.substring(0, name.length() - "-service".length()) : name;
    }

    /** Where {@code ./mvnw install} leaves the service's Spring Boot jar. */
    public Path jar(Path repoDir) {
        return repoDir.resolve(name).resolve("target").resolve(name + "-" + VERSION + ".jar");
    }

    public String baseUrl() {
        return "http://localhost:" + port;
    }
}
