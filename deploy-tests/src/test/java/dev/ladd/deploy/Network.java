package dev.ladd.deploy;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The deployment's network on this one machine. In compose and Kubernetes every service has its own address, so all
 * of them may listen on their own port (8080…8084); here they share one, so each workload gets a free port instead,
 * and so do Kafka and PostgreSQL. Names stay as the deployment wrote them: a hosts file maps every name the
 * deployment uses ({@code kafka}, {@code postgres}, {@code teacher}, {@code ladd-teacher.ladd.svc.cluster.local}, …)
 * to 127.0.0.1, and in each value of the environment every {@code name:port} of an endpoint becomes
 * {@code name:<that endpoint's port here>} — and nothing else changes. A {@code name:port} that no endpoint of the
 * deployment answers, or a value that points a service at localhost, fails the test: that is a wiring error. The
 * actuator's MANAGEMENT_SERVER_PORT gets a free port of its own too.
 */
final class Network {

    /** {@code host:port} in a value: a host name (with at least one letter) right before {@code :digits}. */
    private static final Pattern HOST_PORT =
            Pattern.compile("(?<![A-Za-z0-9.:_-])([A-Za-z][A-Za-z0-9-]*(?:\\.[A-Za-z0-9-]+)*):(\\d{1,5})(?![0-9])");
    private static final Pattern LOOPBACK = Pattern.compile("(?i)\\blocalhost\\b|\\b127\\.0\\.0\\.1\\b");
    /** Variables that are not addresses (passwords and keys may look like anything). */
    private static final Pattern NOT_AN_ADDRESS = Pattern.compile(".*(PASSWORD|KEY|TOKEN|SECRET).*");

    private final Deployment deployment;
    /** workload name, {@link Deployment#KAFKA} or {@link Deployment#POSTGRES} → its port on this machine */
    private final Map<String, Integer> ports;

    Network(Deployment deployment, Map<String, Integer> ports) {
        this.deployment = deployment;
        this.ports = Map.copyOf(ports);
        for (Deployment.Endpoint endpoint : deployment.endpoints()) {
            if (!ports.containsKey(endpoint.target())) {
                throw new AssertionError(deployment.name() + ": nothing runs " + endpoint.target() + " (" + endpoint + ")");
            }
        }
    }

    /** The key of a workload's management port (the actuator's, MANAGEMENT_SERVER_PORT) in the ports. */
    static String management(String workload) {
        return workload + "/management";
    }

    /** The port a workload (or Kafka, PostgreSQL) listens on here. */
    int port(String target) {
        return ports.get(target);
    }

    /**
     * A workload's environment as it runs here: its endpoints' ports remapped, SERVER_PORT its own port here.
     * Every remapped value is listed in {@code changes} ("VAR: old → new").
     */
    Map<String, String> environment(Deployment.Workload workload, List<String> changes) {
        Map<String, String> env = new LinkedHashMap<>();
        workload.environment().forEach((key, value) -> {
            String mapped = key.equals("SERVER_PORT") ? String.valueOf(port(workload.name()))
                    : key.equals("MANAGEMENT_SERVER_PORT") ? String.valueOf(port(management(workload.name())))
                    : NOT_AN_ADDRESS.matcher(key).matches() ? value : remap(workload, key, value);
            if (!mapped.equals(value)) {
                changes.add(key + ": " + value + " → " + mapped);
            }
            env.put(key, mapped);
        });
        return env;
    }

    private String remap(Deployment.Workload workload, String key, String value) {
        if (LOOPBACK.matcher(value).find()) {
            throw new AssertionError(deployment.name() + ": " + workload.name() + "'s " + key + "=" + value
                    + " points at the container itself (localhost), not at another service");
        }
        Matcher m = HOST_PORT.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String host = m.group(1);
            int port = Integer.parseInt(m.group(2));
            Deployment.Endpoint endpoint = deployment.endpoints().stream()
                    .filter(e -> e.hostname().equals(host) && e.port() == port).findFirst()
                    .orElseThrow(() -> new AssertionError(deployment.name() + ": " + workload.name() + "'s " + key + "="
                            + value + " names " + host + ":" + port + ", which no part of the deployment answers "
                            + "(it has " + names() + ")"));
            m.appendReplacement(out, Matcher.quoteReplacement(host + ":" + port(endpoint.target())));
        }
        return m.appendTail(out).toString();
    }

    private Set<String> names() {
        Set<String> names = new TreeSet<>();
        deployment.endpoints().forEach(e -> names.add(e.hostname() + ":" + e.port()));
        return names;
    }

    /** An /etc/hosts with every name the deployment uses, this machine's name and localhost, all 127.0.0.1. */
    Path writeHostsFile(Path file) throws IOException {
        Set<String> names = new LinkedHashSet<>(List.of("localhost"));
        try {
            names.add(InetAddress.getLocalHost().getHostName());
        } catch (IOException e) {
            // a machine without a resolvable name of its own: the services do not need it
        }
        deployment.endpoints().forEach(e -> names.add(e.hostname()));
        List<String> lines = new ArrayList<>(List.of("# " + deployment.name() + ": every name the deployment uses, on this machine"));
        lines.add("127.0.0.1\t" + String.join(" ", names));
        Files.createDirectories(file.getParent());
        return Files.write(file, lines);
    }
}
