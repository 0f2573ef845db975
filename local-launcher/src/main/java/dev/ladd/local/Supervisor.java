package dev.ladd.local;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Restarts a part of the platform that exits by itself, as Kubernetes restarts a crashed container: after a delay
 * that doubles with each crash in a row (1 s, 2 s, 4 s … at most {@code maxDelay}), back to the first delay once the
 * part has run for {@code stableAfter}. It says so each time, with the exit code and the log to read. Nothing is
 * restarted once the platform is stopping.
 */
final class Supervisor implements AutoCloseable {

    static final Duration FIRST_DELAY = Duration.ofSeconds(1);
    static final Duration MAX_DELAY = Duration.ofSeconds(30);
    static final Duration STABLE_AFTER = Duration.ofSeconds(60);

    private final PrintStream out;
    private final BooleanSupplier stopping;
    private final Duration firstDelay;
    private final Duration maxDelay;
    private final Duration stableAfter;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "ladd-local-supervisor");
        thread.setDaemon(true);
        return thread;
    });

    Supervisor(PrintStream out, BooleanSupplier stopping) {
        this(out, stopping, FIRST_DELAY, MAX_DELAY, STABLE_AFTER);
    }

    Supervisor(PrintStream out, BooleanSupplier stopping, Duration firstDelay, Duration maxDelay, Duration stableAfter) {
        this.out = out;
        this.stopping = stopping;
        this.firstDelay = firstDelay;
        this.maxDelay = maxDelay;
        this.stableAfter = stableAfter;
    }

    /**
     * Watches {@code child}; when it exits by itself, starts {@code restart} after the back-off and watches what it
     * returns (null: the platform began stopping meanwhile, nothing was started).
     */
    void watch(ChildProcess child, Supplier<ChildProcess> restart) {
        watch(child, restart, 0, Instant.now());
    }

    private void watch(ChildProcess child, Supplier<ChildProcess> restart, int crashesInARow, Instant startedAt) {
        child.handle().onExit().thenRun(() -> {
            if (stopping.getAsBoolean() || timer.isShutdown()) {
                return;
            }
            Duration ran = Duration.between(startedAt, Instant.now());
            int crashes = ran.compareTo(stableAfter) >= 0 ? 1 : crashesInARow + 1;
            Duration delay = delay(crashes, firstDelay, maxDelay);
            out.printf("%nWARNING: %s (pid %d) exited on its own with code %s after %s; restarting it in %s"
                            + " (crash %d in a row; see %s)%n", child.name(), child.pid(), exitCode(child),
                    HealthWaiter.seconds(ran), HealthWaiter.seconds(delay), crashes, child.logFile());
            try {
                timer.schedule(() -> restart(child.name(), restart, crashes), delay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the platform is stopping
            }
        });
    }

    private void restart(String name, Supplier<ChildProcess> restart, int crashes) {
        if (stopping.getAsBoolean()) {
            return;
        }
        try {
            ChildProcess next = restart.get();
            if (next != null) {
                out.printf("%s restarted as pid %d%n", name, next.pid());
                watch(next, restart, crashes, Instant.now());
            }
        } catch (RuntimeException e) {
            out.printf("WARNING: could not restart %s: %s; trying again in %s%n", name, e.getMessage(),
                    HealthWaiter.seconds(delay(crashes + 1, firstDelay, maxDelay)));
            timer.schedule(() -> restart(name, restart, crashes + 1),
                    delay(crashes + 1, firstDelay, maxDelay).toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The wait before restarting after the {@code crashes}-th crash in a row: first, doubled each time, at most max. */
    static Duration delay(int crashes, Duration first, Duration max) {
        if (crashes <= 1) {
            return first;
        }
        long millis = first.toMillis() << Math.min(crashes - 1, 30);
        return millis <= 0 || millis > max.toMillis() ? max : Duration.ofMillis(millis);
    }

    private static String exitCode(ChildProcess child) {
        try {
            return String.valueOf(child.exitValue());
        } catch (IllegalThreadStateException e) {
            return "?";
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
