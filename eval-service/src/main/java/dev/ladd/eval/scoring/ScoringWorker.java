package dev.ladd.eval.scoring;

import dev.ladd.eval.EvalProperties;
import dev.ladd.platform.worker.BackgroundWorker;
import org.springframework.stereotype.Component;

import java.sql.SQLException;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The scoring worker: one thread that scores one pass at a time (scoring uses the cores; two at once would only
 * make both slower), in {@link ScoringQueue}'s order: quick passes first. A full pass is left between two of its
 * units as soon as a checkpoint waits for its quick pass, and taken up again afterwards where it stopped. The
 * Kafka listener only records a checkpoint as pending, so scoring never holds up consumption. Switched off with
 * {@code ladd.eval.worker.enabled=false} (tests that check only the intake; replicas that only serve the API).
 */
@Component
public class ScoringWorker extends BackgroundWorker {

    private final ScoringQueue queue;
    private final CheckpointScoring scoring;
    private final EvalProperties properties;

    ScoringWorker(ScoringQueue queue, CheckpointScoring scoring, EvalProperties properties) {
        super("ladd-eval-scorer", "ladd.eval.worker.enabled");
        this.queue = queue;
        this.scoring = scoring;
        this.properties = properties;
    }

    @Override
    protected boolean enabled() {
        return properties.worker().enabled();
    }

    @Override
    protected Duration pollInterval() {
        return properties.worker().pollInterval();
    }

    /** Does (part of) the first pass in the queue that no other worker holds; false if there was none to work on. */
    @Override
    protected boolean workOnce() throws SQLException {
        for (ScoringQueue.Entry entry : queue.entries()) {
            if (!keepGoing()) {
                return false;
            }
            BooleanSupplier yieldNow = entry.pass() == Pass.FULL ? queue::quickPassWaiting : () -> false;
            switch (scoring.score(entry.checkpoint().checkpointId(), entry.pass(), this::keepGoing, yieldNow)) {
                case SCORED, REFUSED, NOT_PENDING, YIELDED -> {
                    return true;   // read the queue again: a yielded pass comes back after the quick ones
                }
                case RETRY_LATER, STOPPED -> {
                    return false;   // wait a poll interval before the next try
                }
                case BUSY -> {
                    // another replica has it (or its teacher's baselines): try the next one
                }
            }
        }
        return false;
    }
}
