package dev.ladd.trainer.training;

import dev.ladd.trainer.TrainerProperties;
import dev.ladd.trainer.run.RunRepository;
import dev.ladd.platform.worker.BackgroundWorker;
import org.springframework.stereotype.Component;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

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
    private final DataSource dataSource;
    private final TrainerProperties properties;

    RunExecutor(RunRepository runs, DistillationJob job, DataSource dataSource, TrainerProperties properties) {
        super("ladd-trainer", "ladd.trainer.execution.enabled");
        this.runs = runs;
        this.job = job;
        this.dataSource = dataSource;
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
            try (Connection lock = dataSource.getConnection()) {
                if (!advisoryLock(lock, "pg_try_advisory_lock", runId)) {
                    continue;
                }
                try {   // on stop the current iteration ends; the run resumes from its checkpoint later
                    job.train(runId, this::keepGoing);
                } finally {
                    advisoryLock(lock, "pg_advisory_unlock", runId);
                }
                return true;
            }
        }
        return false;
    }

    private static boolean advisoryLock(Connection connection, String function, String runId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + function + "(hashtext(?))")) {
            statement.setString(1, "ladd-run:" + runId);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }
}
