package dev.ladd.local;

import java.io.PrintStream;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Polls every service's readiness probe until all answer 200, printing progress. Fails fast when a service exits,
 * and at the timeout, quoting the service's log.
 */
final class HealthWaiter {

    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration REPORT_EVERY = Duration.ofSeconds(10);
    static final int TAIL_LINES = 30;

    private final Duration timeout;
    private final BooleanSupplier aborted;
    private final PrintStream out;
    private final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(1))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    HealthWaiter(Duration timeout, BooleanSupplier aborted, PrintStream out) {
        this.timeout = timeout;
        this.aborted = aborted;
        this.out = out;
    }

    /** @return each service's time from its start to ready, in the order they became ready */
    Map<String, Duration> awaitReady(List<ServiceProcess> services) {
        Map<String, Duration> ready = new LinkedHashMap<>();
        List<ServiceProcess> pending = new ArrayList<>(services);
        Instant begin = Instant.now();
        Instant deadline = begin.plus(timeout);
        Instant nextReport = begin.plus(REPORT_EVERY);
        while (!pending.isEmpty()) {
            for (ServiceProcess service : List.copyOf(pending)) {
                if (aborted.getAsBoolean()) {
                    throw new StartupException.Aborted();
                }
                if (!service.process().isAlive()) {
                    throw new StartupException(service.name() + " exited with code " + service.process().exitValue()
                            + " while starting; see " + service.process().logFile()
                            + service.process().logTail(TAIL_LINES));
                }
                if (service.isReady(client)) {
                    Duration took = Duration.between(service.startedAt(), Instant.now());
                    ready.put(service.name(), took);
                    pending.remove(service);
                    out.printf("  ready: %-18s %s after %s%n", service.name(), service.spec().baseUrl(), seconds(took));
                }
            }
            if (pending.isEmpty()) {
                break;
            }
            Instant now = Instant.now();
            if (now.isAfter(deadline)) {
                StringBuilder message = new StringBuilder("not ready within " + timeout.toSeconds()
                        + " s (raise --health-timeout if the machine is just slow): ");
                message.append(String.join(", ", pending.stream().map(ServiceProcess::name).toList()));
                for (ServiceProcess service : pending) {
                    message.append("\n\n").append(service.name()).append(": ").append(service.readinessUri())
                            .append(" never answered 200").append(service.process().logTail(TAIL_LINES));
                }
                throw new StartupException(message.toString());
            }
            if (now.isAfter(nextReport)) {
                out.printf("  waiting %s for: %s%n", seconds(Duration.between(begin, now)),
                        String.join(", ", pending.stream().map(ServiceProcess::name).toList()));
                nextReport = now.plus(REPORT_EVERY);
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StartupException.Aborted();
            }
        }
        return ready;
    }

    static String seconds(Duration duration) {
        return String.format(java.util.Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }
}
