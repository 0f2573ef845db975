package dev.ladd.trainer.training;

import dev.ladd.events.Topics;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.ml.blob.BlobStore;
import dev.ladd.platform.test.EventContract;
import dev.ladd.platform.test.ServiceIntegrationTest;
import dev.ladd.trainer.run.CheckpointRepository;
import dev.ladd.trainer.run.RunRepository;
import dev.ladd.trainer.run.RunState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A trainer that loses its run's lock mid-run, without knowing (PostgreSQL restarted, the lock's connection was cut),
 * must not go on writing to the run: another trainer may have it by now. The worker is off; the test drives
 * {@link RunExecutor} and, after the checkpoint at iteration 2, takes the run from it — by terminating the lock's
 * database session, or as another trainer would, by taking a newer lease. The trainer notices at its next write,
 * stops without writing or publishing anything, and the run, trained again, resumes from that checkpoint and
 * publishes each checkpoint once.
 */
@ServiceIntegrationTest
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(properties = {
        "ladd.trainer.synthetic-data.samples-per-request=8", "ladd.trainer.synthetic-data.shard-size=4",
        "ladd.trainer.synthetic-data.requests-per-run=2", "ladd.trainer.execution.enabled=false"})
class RunLockLossTest extends EventContract {

    @Autowired
    BlobStore blobs;
    @Autowired
    RunRepository runs;
    @Autowired
    CheckpointRepository checkpoints;
    @Autowired
    RunExecutor executor;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aTrainerWhoseLockSessionIsTerminatedMidRunStopsWithoutWritingAndTheRunResumesFromItsLastCheckpoint(
            CapturedOutput output) throws Exception {
        String runId = newRunWithData(new TinyRunFixtures(blobs));
        executor.train(runId, beforeCall(3, () -> assertThat(jdbc.queryForList("""
                SELECT pg_terminate_backend(pid) FROM pg_locks
                WHERE locktype = 'advisory' AND pid <> pg_backend_pid()
                  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())""", Boolean.class))
                .as("the run lock's session, terminated").containsExactly(true)));

        assertStoppedAfterTheCheckpointAt2(runId);
        assertThat(output).contains("run " + runId + " stops on this trainer, writing nothing more to it: its lock was "
                + "lost");
        assertResumesAndPublishesEachCheckpointOnce(runId);
    }

    @Test
    void aTrainerWhoseRunAnotherTrainerHasTakenWritesNothingMoreToIt(CapturedOutput output) throws Exception {
        String runId = newRunWithData(new TinyRunFixtures(blobs));
        // what another trainer does when it takes the run's lock (here while this one's lock still looks held)
        executor.train(runId, beforeCall(3, () -> runs.takeLease(runId)));

        assertStoppedAfterTheCheckpointAt2(runId);
        assertThat(output).contains("run " + runId + " stops on this trainer, writing nothing more to it: another "
                + "trainer has taken it");
        assertResumesAndPublishesEachCheckpointOnce(runId);
    }

    /** Iterations 1 and 2 and the checkpoint at 2 were written; iteration 3, trained after the loss, was not. */
    private void assertStoppedAfterTheCheckpointAt2(String runId) {
        var run = runs.find(runId).orElseThrow();
        assertThat(run.state()).isEqualTo(RunState.TRAINING);
        assertThat(run.iteration()).isEqualTo(2);
        assertThat(checkpoints.list(runId)).extracting(CheckpointRepository.Checkpoint::step).containsExactly(2);
        assertThat(jdbc.queryForObject("SELECT max(iteration) FROM run_metric WHERE run_id = ?", Integer.class, runId))
                .isEqualTo(2);
    }

    private void assertResumesAndPublishesEachCheckpointOnce(String runId) throws Exception {
        assertThat(executor.train(runId, () -> true)).as("the lock is free again").isTrue();
        assertThat(runs.find(runId).orElseThrow().state()).isEqualTo(RunState.COMPLETED);
        assertThat(checkpoints.list(runId)).extracting(CheckpointRepository.Checkpoint::step).containsExactly(2, 4);
        List<EventEnvelope> published = kafka.readEvents(Topics.CHECKPOINTS, Integer.MAX_VALUE, Duration.ofSeconds(5))
                .stream().filter(e -> e.getCorrelationId().equals(runId)).toList();
        assertThat(published).extracting(e -> e.getCheckpointPublished().getStep()).containsExactly(2, 4);
        List<EventEnvelope> finished = kafka.readEvents(Topics.RUN_LIFECYCLE, Integer.MAX_VALUE, Duration.ofSeconds(5))
                .stream().filter(e -> e.getCorrelationId().equals(runId) && e.hasRunFinished()).toList();
        assertThat(finished).hasSize(1);
    }

    private String newRunWithData(TinyRunFixtures fixtures) throws Exception {
        String runId = "run-" + UUID.randomUUID();
        TinyRunFixtures.requestRun(kafka, runs, runId, TinyRunFixtures.config());
        fixtures.sendAllShards(kafka, runId);
        await().atMost(Duration.ofSeconds(30)).until(() -> runs.find(runId).map(r -> r.shardsReceived() == 4).orElse(false));
        return runId;
    }

    /**
     * A keep-going signal (checked once before each iteration) that does {@code action} on its n-th check and goes on:
     * with n = 3, after iteration 2 and its checkpoint, before iteration 3.
     */
    private static BooleanSupplier beforeCall(int n, Runnable action) {
        AtomicInteger calls = new AtomicInteger();
        return () -> {
            if (calls.incrementAndGet() == n) {
                action.run();
            }
            return true;
        };
    }
}
