package dev.ladd.trainer.training;

import dev.ladd.trainer.TrainerProperties;
import dev.ladd.trainer.run.RunRepository;
import dev.ladd.platform.db.AdvisoryLocks;
import dev.ladd.platform.worker.BackgroundWorker;
import org.springframework.stereotype.Component;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/**
 * The training worker: one thread that trains one run at a time (the machine's cores are the limit),
 * picking the oldest unfinished run that has data. A run is held with a PostgreSQL session advisory
 * lock for as long as it trains, so two trainer instances never train the same run, and a killed
 * trainer's lock goes with its connection: the next trainer to start resumes the run from its last
 * checkpoint.
 */
@Component
class RunExecutor extends BackgroundWorker {

    private final RunRepository runs;
    private final DistillationJob job;
    private final AdvisoryLocks locks;
    private final TrainerProperties properties;

    RunExecutor(RunRepository runs, DistillationJob job, AdvisoryLocks locks, TrainerProperties properties) {
        super("ladd-trainer", "ladd.trainer.execution.enabled");
        this.runs = runs;
        this.job = job;
        this.locks = locks;
        this.properties = properties;
    }

    @Override
    protected boolean enabled() {
        return properties.execution().enabled();
    }

    @Override
    protected Duration pollInterval() {
        return properties.execution().pollInterval();
    }

    /** Trains the first runnable run this instance can lock; false if there was none. */
    @Override
    protected boolean workOnce() throws SQLException {
        for (String runId : runs.runnable()) {
            Optional<AdvisoryLocks.Held> lock = locks.tryLock("run:" + runId);
            if (lock.isEmpty()) {
                continue;
            }
            try (AdvisoryLocks.Held held = lock.get()) {
                // on stop the current iteration ends; the run resumes from its checkpoint later
                job.train(runId, this::keepGoing);
            }
            return true;
        }
        return false;
    }
}
