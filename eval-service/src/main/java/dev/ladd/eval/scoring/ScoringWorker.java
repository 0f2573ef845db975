package dev.ladd.eval.scoring;

import dev.ladd.eval.EvalProperties;
import dev.ladd.eval.checkpoint.CheckpointRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.sql.SQLException;

/**
 * The scoring worker: one thread that scores pending checkpoints one at a time, oldest first (scoring uses
 * the cores; two at once would only make both slower), polling PostgreSQL for them. The Kafka listener only
 * records a checkpoint as pending, so a scoring run of minutes never holds up consumption. Switched off with
 * {@code ladd.eval.worker.enabled=false} (tests that check only the intake; replicas that only serve the API).
 */
@Component
public class ScoringWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ScoringWorker.class);

    private final CheckpointRepository checkpoints;
    private final CheckpointScoring scoring;
    private final EvalProperties properties;
    private volatile boolean running;
    private Thread worker;

    ScoringWorker(CheckpointRepository checkpoints, CheckpointScoring scoring, EvalProperties properties) {
        this.checkpoints = checkpoints;
        this.scoring = scoring;
        this.properties = properties;
    }

    @Override
    public void start() {
        if (!properties.worker().enabled()) {
            log.info("scoring is disabled on this instance (ladd.eval.worker.enabled=false)");
            return;
        }
        running = true;
        worker = new Thread(this::work, "ladd-eval-scorer");
        worker.setDaemon(true);
        worker.start();
    }

    private void work() {
        while (running) {
            try {
                if (!scoreOne()) {
                    Thread.sleep(properties.worker().pollInterval().toMillis());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | SQLException e) {
                log.warn("scoring worker: {}; retrying", e.toString());
                try {
                    Thread.sleep(properties.worker().pollInterval().toMillis());
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    /** Scores the oldest pending checkpoint that no other worker holds; false if there was none to work on. */
    boolean scoreOne() throws SQLException {
        for (String checkpointId : checkpoints.pending()) {
            if (!running) {
                return false;
            }
            switch (scoring.score(checkpointId, () -> running)) {
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

    @Override
    public void stop() {
        running = false;
        if (worker != null) {
            try {
                worker.join(30_000);   // the current model's measurement ends; the checkpoint is scored after a restart
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100;   // stops before the web server and the Kafka bindings
    }
}
