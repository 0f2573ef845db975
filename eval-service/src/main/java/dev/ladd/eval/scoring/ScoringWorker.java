package dev.ladd.eval.scoring;

import dev.ladd.eval.EvalProperties;
import dev.ladd.eval.checkpoint.CheckpointRepository;
import dev.ladd.platform.worker.BackgroundWorker;
import org.springframework.stereotype.Component;

import java.sql.SQLException;
import java.time.Duration;

/**
 * The scoring worker: one thread that scores pending checkpoints one at a time, oldest first (scoring uses
 * the cores; two at once would only make both slower), polling PostgreSQL for them. The Kafka listener only
 * records a checkpoint as pending, so a scoring run of minutes never holds up consumption. Switched off with
 * {@code ladd.eval.worker.enabled=false} (tests that check only the intake; replicas that only serve the API).
 */
@Component
public class ScoringWorker extends BackgroundWorker {

    private final CheckpointRepository checkpoints;
    private final CheckpointScoring scoring;
    private final EvalProperties properties;

    ScoringWorker(CheckpointRepository checkpoints, CheckpointScoring scoring, EvalProperties properties) {
        super("ladd-eval-scorer", "ladd.eval.worker.enabled");
        this.checkpoints = checkpoints;
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

    /** Scores the oldest pending checkpoint that no other worker holds; false if there was none to work on. */
    @Override
    protected boolean workOnce() throws SQLException {
        for (String checkpointId : checkpoints.pending()) {
            if (!keepGoing()) {
                return false;
            }
            switch (scoring.score(checkpointId, this::keepGoing)) {
                case SCORED, REFUSED, NOT_PENDING -> {
                    return true;
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
