package dev.ladd.trainer.training;

import dev.ladd.trainer.TrainerProperties;
import dev.ladd.trainer.run.RunRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The training worker: one thread that trains one run at a time (the machine's cores are the limit),
 * picking the oldest unfinished run that has data. A run is held with a PostgreSQL session advisory
 * lock for as long as it trains, so two trainer instances never train the same run, and a killed
 * trainer's lock goes with its connection: the next trainer to start resumes the run from its last
 * checkpoint.
 */
@Component
class RunExecutor implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RunExecutor.class);

    private final RunRepository runs;
    private final DistillationJob job;
    private final DataSource dataSource;
    private final TrainerProperties properties;
    private volatile boolean running;
    private Thread worker;

    RunExecutor(RunRepository runs, DistillationJob job, DataSource dataSource, TrainerProperties properties) {
        this.runs = runs;
        this.job = job;
        this.dataSource = dataSource;
        this.properties = properties;
    }

    @Override
    public void start() {
        if (!properties.execution().enabled()) {
            log.info("training is disabled on this instance (ladd.trainer.execution.enabled=false)");
            return;
        }
        running = true;
        worker = new Thread(this::work, "ladd-trainer");
        worker.setDaemon(true);
        worker.start();
    }

    private void work() {
        while (running) {
            try {
                if (!trainOneRun()) {
                    Thread.sleep(properties.execution().pollInterval().toMillis());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | SQLException e) {
                log.warn("training worker: {}; retrying", e.toString());
                try {
                    Thread.sleep(properties.execution().pollInterval().toMillis());
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    /** Trains the first runnable run this instance can lock; false if there was none. */
    private boolean trainOneRun() throws SQLException {
        for (String runId : runs.runnable()) {
            try (Connection lock = dataSource.getConnection()) {
                if (!advisoryLock(lock, "pg_try_advisory_lock", runId)) {
                    continue;
                }
                try {
                    job.train(runId, () -> running);
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

    @Override
    public void stop() {
        running = false;
        if (worker != null) {
            try {
                worker.join(30_000);   // the current iteration ends; the run resumes from its checkpoint later
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
