package dev.ladd.local.chaos;

import java.util.List;
import java.util.Set;

/**
 * One fault injected into a running LADD run.
 *
 * @param name      how {@code --scenarios} names it
 * @param what      what it does, for the report
 * @param imagePath the parts on the image path it takes down (image requests may fail only then), empty for none
 * @param fault     the injection: waits for its moment in the run, injects, and returns when the part is back
 */
public record Scenario(String name, String what, Set<String> imagePath, Fault fault) {

    /** Injects a fault into a run; records the window it lasted on the {@link Run}. */
    @FunctionalInterface
    public interface Fault {
        void inject(Chaos chaos, Run run) throws Exception;
    }

    /** The run a scenario disturbs, and when the image path was down. */
    public static final class Run {
        public final String runId;
        public volatile java.time.Instant windowStart;
        public volatile java.time.Instant windowEnd;
        public final List<String> notes = new java.util.concurrent.CopyOnWriteArrayList<>();
        public volatile int expectedDeadLetters;
        public volatile String corruptCheckpoint;
        /** Undoes the corruption once the scenario is checked: blobs are shared by content, later runs need them. */
        public volatile Runnable undo;
        /** What every inference replica must serve at the end (null: what alias default is set to). */
        public volatile String expectedServed;
        /** Runs started beside this one (trainer scale-out): each must end as this one. */
        public final List<String> otherRuns = new java.util.concurrent.CopyOnWriteArrayList<>();
        public volatile int mostRunsTrainingAtOnce;

        public Run(String runId) {
            this.runId = runId;
        }
    }
}
