package dev.ladd.teacher.training;

import dev.ladd.platform.db.AdvisoryLocks;
import dev.ladd.platform.worker.BackgroundWorker;
import dev.ladd.teacher.TeacherProperties;
import org.springframework.stereotype.Component;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/**
 * The training-job worker: one thread that runs one job at a time (the machine's cores are the limit), the oldest
 * open one first. A job is held with a PostgreSQL session advisory lock for as long as it trains, as trainer-service
 * holds its runs: two replicas never train the same job, and a killed worker's lock goes with its connection, so a
 * job left "running" (or "stopping") by a dead worker is taken over at the next pass of any worker: it starts again
 * from its last saved state, or from the beginning if it never saved one (docs/adr/016).
 */
@Component
class TrainingJobWorker extends BackgroundWorker {

    /** The states of a job a worker may take: waiting, or left by a worker that died. */

    private final TrainingJobRepository jobs;
    private final TrainingJobRunner runner;
    private final AdvisoryLocks locks;
    private final TeacherProperties.Training settings;

    TrainingJobWorker(TrainingJobRepository jobs, TrainingJobRunner runner, AdvisoryLocks locks,
                      TeacherProperties properties) {
        super("teacher-training", "ladd.teacher.training.enabled");
        this.jobs = jobs;
        this.runner = runner;
        this.locks = locks;
        this.settings = properties.training();
    }

    @Override
    protected boolean enabled() {
        return settings.enabled();
    }

    @Override
    protected Duration pollInterval() {
        return settings.pollInterval();
    }

    /** Runs the oldest open job no other worker holds; false if there was none. */
    @Override
    protected boolean workOnce() throws SQLException {
        for (String jobId : jobs.open()) {
            Optional<AdvisoryLocks.Held> lock = locks.tryLock("training-job:" + jobId);
            if (lock.isEmpty()) {
                continue;   // a live worker trains it
            }
            try (AdvisoryLocks.Held held = lock.get()) {
                // another worker may have finished it between the listing and the lock
                if (jobs.find(jobId).filter(job -> job.state().open()).isEmpty()) {
                    continue;
                }
                runner.run(jobId, this::keepGoing);
            }
            return true;
        }
        return false;
    }
}
