package dev.ladd.trainer.training;

import dev.ladd.trainer.TrainerProperties;
import dev.ladd.trainer.run.RunRepository;
import dev.ladd.platform.db.AdvisoryLocks;
import dev.ladd.platform.worker.BackgroundWorker;
import org.springframework.stereotype.Component;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The training worker: one thread that trains one run at a time (the machine's cores are the limit),
 * picking the oldest unfinished run that has data. A run is held with a PostgreSQL session advisory
 * lock for as long as it trains, so two trainer instances never train the same run, and a killed
 * trainer's lock goes with its connection: the next trainer to start resumes the run from its last
 * checkpoint. A lock lost while its trainer goes on (PostgreSQL restarted, the connection was cut) is
 * noticed at the run's next write ({@link RunLease}, docs/adr/018): the run stops here, writing nothing,
 * and whoever takes the lock next — this trainer too — resumes it from its last checkpoint.
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
            // on stop the current iteration ends; the run resumes from its checkpoint later
            if (train(runId, this::keepGoing)) {
                return true;
            }
        }
        return false;
    }

    /** Trains the run under its lock and a new lease, until it ends, stops or the lease is lost; false if locked. */
    boolean train(String runId, BooleanSupplier keepGoing) throws SQLException {
        Optional<AdvisoryLocks.Held> lock = locks.tryLock("run:" + runId);
        if (lock.isEmpty()) {
            return false;
        }
        try (RunLease lease = RunLease.take(runs, runId, lock.get())) {
            job.train(lease, keepGoing);
        }
        return true;
    }
}
