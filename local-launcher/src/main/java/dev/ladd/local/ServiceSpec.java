package dev.ladd.local;

import java.nio.file.Path;

/**
 * One service the launcher runs as a child JVM: {@code java -Xmx<heap> -jar <repo>/<name>/target/<name>-<version>.jar}.
 *
 * @param name the Maven module and artifact, e.g. {@code gateway-service}
 * @param port its HTTP port
 * @param heap its maximum heap, as for {@code -Xmx} (e.g. {@code 512m})
 */
public record ServiceSpec(String name, int port, String heap) {

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
