package dev.ladd.local;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Options for tests that start the platform: every port free and random, everything under a temporary work folder.
 *
 * <pre>{@code
 * try (LocalPlatform platform = LocalPlatformTestSupport.startAllServices(workDir)) {   // skips if jars are missing
 *     // platform.options().services(): the random ports; platform.jdbcUrl(), platform.kafkaBootstrapServers()
 * }
 * }</pre>
 */
public final class LocalPlatformTestSupport {

    /** The service heap for tests that start all five on a small machine. */
    public static final String SMALL_HEAP = "384m";

    private LocalPlatformTestSupport() {
    }

    /** PostgreSQL and Kafka only ({@code --services=none}), on random free ports. */
    public static LocalPlatformOptions infrastructureOnly(Path workDir) {
        return options(workDir, "--services=none", "--health-timeout=60");
    }

    /** PostgreSQL, Kafka and all five services with {@value #SMALL_HEAP} heaps, on random free ports. */
    public static LocalPlatformOptions allServices(Path workDir) {
        return options(workDir, "--services=all", "--heap=" + SMALL_HEAP, "--kafka-heap=" + SMALL_HEAP,
                "--health-timeout=240");
    }

    /**
     * Starts PostgreSQL, Kafka and all five services (small heaps, random ports) and waits until all are ready; skips
     * the calling test (JUnit assumption) when the service jars have not been built.
     */
    public static LocalPlatform startAllServices(Path workDir) {
        return startAllServices(workDir, allServices(workDir));
    }

    /**
     * As {@link #startAllServices(Path)} with the given options. On CI (environment variable CI set) missing
     * jars fail the test instead of skipping it: the reactor builds the services before this module.
     */
    public static LocalPlatform startAllServices(Path workDir, LocalPlatformOptions options) {
        String missing = "service jars not built: run ./mvnw -B -DskipTests install first";
        if (System.getenv("CI") != null) {
            org.junit.jupiter.api.Assertions.assertTrue(serviceJarsExist(), missing);
        } else {
            Assumptions.assumeTrue(serviceJarsExist(), missing);
        }
        return LocalPlatform.start(options);
    }

    /** True when every service's Spring Boot jar has been built ({@code ./mvnw -DskipTests install}). */
    public static boolean serviceJarsExist() {
        LocalPlatformOptions defaults = LocalPlatformOptions.defaults();
        return defaults.services().stream().allMatch(s -> Files.isRegularFile(s.jar(defaults.repoDir())));
    }

    /** Options with the given extra arguments plus {@code --work-dir} and a random free port for everything. */
    public static LocalPlatformOptions options(Path workDir, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of(extraArgs));
        args.add("--work-dir=" + workDir);
        Set<Integer> taken = new HashSet<>();
        args.add("--pg-port=" + freePort(taken));
        args.add("--kafka-port=" + freePort(taken));
        args.add("--kafka-controller-port=" + freePort(taken));
        for (String service : ServiceSpec.ALL) {
            args.add("--" + ServiceSpec.shortName(service) + "-port=" + freePort(taken));
        }
        try {
            return LocalPlatformOptions.parse(args.toArray(String[]::new));
        } catch (OptionsException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static int freePort(Set<Integer> taken) {
        while (true) {
            int port = Ports.freePort();
            if (taken.add(port)) {
                return port;
            }
        }
    }
}
