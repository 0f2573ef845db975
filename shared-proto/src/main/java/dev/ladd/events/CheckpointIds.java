package dev.ladd.events;

/**
 * The one place a checkpoint id is made: {@code <runId>-step-<N>}, e.g. {@code run-3f…-step-250}. It has no '/', so
 * it is one URL path segment as it is (ids made before docs/adr/020 were {@code <runId>/step-<N>}; each service's
 * Flyway migration rewrote its stored ones).
 */
public final class CheckpointIds {

    private CheckpointIds() {
    }

    public static String of(String runId, long step) {
        return runId + "-step-" + step;
    }
}
