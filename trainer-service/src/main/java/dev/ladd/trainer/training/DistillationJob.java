package dev.ladd.trainer.training;

import ai.djl.ndarray.NDManager;
import dev.ladd.events.Topics;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.RunOutcome;
import dev.ladd.events.v1.RunStarted;
import dev.ladd.ml.blob.BlobId;
import dev.ladd.ml.blob.ModelRef;
import dev.ladd.ml.blob.BlobStore;
import dev.ladd.ml.checkpoint.Checkpoint;
import dev.ladd.ml.checkpoint.CheckpointManifest;
import dev.ladd.ml.checkpoint.CheckpointManifests;
import dev.ladd.ml.checkpoint.FlowModelCheckpoint;
import dev.ladd.ml.checkpoint.Safetensors;
import dev.ladd.ml.ladd.LaddBatch;
import dev.ladd.ml.ladd.LaddConfig;
import dev.ladd.ml.ladd.LaddStepMetrics;
import dev.ladd.ml.ladd.LaddTraining;
import dev.ladd.ml.ladd.ShardSampler;
import dev.ladd.ml.pipeline.FlowModel;
import dev.ladd.platform.events.Outbox;
import dev.ladd.trainer.TrainerProperties;
import dev.ladd.trainer.run.CheckpointRepository;
import dev.ladd.trainer.run.Run;
import dev.ladd.trainer.run.RunMetricsRepository;
import dev.ladd.trainer.run.RunRepository;
import dev.ladd.trainer.run.RunService;
import dev.ladd.trainer.run.RunState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Trains one run to its end (or until it is cancelled or the service stops): loads the teacher named by
 * its shards, starts the student from the teacher — or from the run's last checkpoint after a restart —
 * and runs LADD iterations over its synthetic data (and, with discriminatorData 'real', Fashion-MNIST's latents as
 * the heads' real class: {@link RealBatches}), storing every iteration's metrics and a checkpoint
 * every {@code checkpointInterval} iterations and at the end.
 */
@Component
class DistillationJob {

    private static final Logger log = LoggerFactory.getLogger(DistillationJob.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final RunRepository runs;
    private final RunService runService;
    private final RunMetricsRepository metrics;
    private final CheckpointRepository checkpoints;
    private final CheckpointPublisher publisher;
    private final BlobStore blobs;
    private final Outbox outbox;
    private final TransactionTemplate tx;
    private final TrainerProperties properties;

    DistillationJob(RunRepository runs, RunService runService, RunMetricsRepository metrics,
                    CheckpointRepository checkpoints, CheckpointPublisher publisher, BlobStore blobs, Outbox outbox,
                    TransactionTemplate tx, TrainerProperties properties) {
        this.runs = runs;
        this.runService = runService;
        this.metrics = metrics;
        this.checkpoints = checkpoints;
        this.publisher = publisher;
        this.blobs = blobs;
        this.outbox = outbox;
        this.tx = tx;
        this.properties = properties;
    }

    /**
     * @param lease     this trainer's hold on the run: every write to the run checks it first, and when it is lost the
     *                  run stops here without writing anything more (it resumes from its last checkpoint wherever its
     *                  lock is taken next)
     * @param keepGoing false when the service is stopping: the run stays "training" and resumes on the next start
     */
    void train(RunLease lease, BooleanSupplier keepGoing) {
        String runId = lease.runId();
        Run run = runService.get(runId);
        try {
            LaddConfig config = JSON.readValue(runs.laddConfig(runId), LaddConfig.class);
            ModelRef teacherBlobs = runs.teacherBlobs(runId);
            CheckpointManifest teacherManifest = CheckpointManifests.read(blobs.get(teacherBlobs.manifest()));
            try (NDManager manager = NDManager.newBaseManager();
                 FlowModel teacher = FlowModelCheckpoint.load(blobs.get(teacherBlobs.weights()), teacherManifest, FlowModel.Role.TEACHER)) {
                LaddTraining training = LaddTraining.fromTeacher(teacher.network(), teacher.tokenizer(), config, manager);
                Optional<CheckpointRepository.Checkpoint> last = checkpoints.latest(runId);
                if (last.isPresent()) {
                    training.restoreState(Safetensors.read(blobs.get(last.get().state())));
                    log.info("run {} resumes from its checkpoint at iteration {}", runId, training.iteration());
                }
                // encoded once each time a trainer takes the run up (tens of seconds for Fashion-MNIST's 60,000 images)
                RealBatches real = config.discriminatorData() != LaddConfig.DiscriminatorData.REAL ? null
                        : RealBatches.load(runId, config, runs.autoencoderBlobs(runId), blobs,
                                properties.realData().fashionMnist(), manager);
                if (run.state() == RunState.WAITING_FOR_DATA) {
                    tx.executeWithoutResult(s -> {
                        lease.verify();
                        runs.updateState(runId, RunState.TRAINING, null);
                        outbox.publish(Topics.RUN_LIFECYCLE, runId, runId, EventEnvelope.newBuilder().setRunStarted(
                                RunStarted.newBuilder().setRunId(runId).setTeacherId(run.teacherId())));
                    });
                    log.info("run {} started training ({} iterations, checkpoint every {})", runId, run.iterations(),
                            run.checkpointInterval());
                }
                loop(run, lease, config, teacherBlobs, teacherManifest, training, real, manager, keepGoing);
            }
        } catch (RunLease.LostException e) {
            stopLost(lease, e);
        } catch (RunData.InvalidShardException | IOException | RuntimeException e) {
            log.error("run {} failed", runId, e);
            try {
                tx.executeWithoutResult(s -> {
                    lease.verify();   // a trainer that lost the run does not fail it for the one that has it now
                    runService.fail(runId, "training failed: " + e.getMessage());
                });
            } catch (RunLease.LostException lost) {
                stopLost(lease, lost);
            }
        }
    }

    private static void stopLost(RunLease lease, RunLease.LostException e) {
        log.warn("run {} stops on this trainer, writing nothing more to it: {} (lease epoch {}); whoever takes its lock "
                + "next resumes it from its last checkpoint", lease.runId(), e.getMessage(), lease.epoch());
    }

    private void loop(Run run, RunLease lease, LaddConfig config, ModelRef teacherBlobs, CheckpointManifest teacherManifest,
                      LaddTraining training, RealBatches real, NDManager manager, BooleanSupplier keepGoing)
            throws RunData.InvalidShardException, IOException {
        String runId = run.runId();
        TrainerProperties.SyntheticData data = properties.syntheticData();
        ShardSampler sampler = new ShardSampler(data.samplesPerRequest(), data.shardSize(), data.requestsPerRun(),
                config.batchSize(), config.seed());
        RunData runData = new RunData(runId, runs, blobs, sampler);
        while (training.iteration() < run.iterations()) {
            if (!keepGoing.getAsBoolean()) {
                log.info("run {} pauses at iteration {}: the trainer is stopping", runId, training.iteration());
                return;
            }
            Run now = runService.get(runId);
            if (now.cancelRequested() || now.state() != RunState.TRAINING) {
                if (now.state() == RunState.TRAINING) {
                    tx.executeWithoutResult(s -> {
                        lease.verify();
                        runService.finish(runId, RunState.CANCELLED, RunOutcome.RUN_OUTCOME_CANCELLED,
                                "cancelled through the API");
                    });
                }
                log.info("run {} stopped at iteration {}: {}", runId, training.iteration(),
                        now.state() == RunState.TRAINING ? "cancelled" : now.state().label());
                return;
            }
            long iteration = training.iteration();
            int nextRequest = sampler.lastRequestOf(iteration) + 1;
            if (nextRequest < data.requestsPerRun() && runs.dataRequests(runId) <= nextRequest) {
                tx.executeWithoutResult(s -> {
                    lease.verify();
                    runService.requestData(runId, run.teacherId(), config.seed(), nextRequest);
                });
            }
            Optional<LaddBatch> batch = runData.batch(iteration);
            if (batch.isEmpty()) {
                sleep(properties.execution().pollInterval().toMillis());
                continue;
            }
            LaddStepMetrics m = training.step(manager, batch.get(), real == null ? null : real.batch(iteration));
            tx.executeWithoutResult(s -> {
                lease.verify();   // after every iteration: a lost lease stops the run within one iteration
                runs.progress(runId, (int) m.iteration());
                metrics.record(runId, m);
            });
            boolean lastIteration = m.iteration() == run.iterations();
            if (m.iteration() % run.checkpointInterval() == 0 || lastIteration) {
                Checkpoint student = FlowModelCheckpoint.student(training.publishedWeights(), teacherManifest,
                        run.teacherId(), runId, m.iteration(), m.asMap(), config.samplerEta());
                publisher.publish(lease, run.teacherId(), teacherBlobs, runs.autoencoderBlobs(runId), training, student,
                        lastIteration);
                log.info("run {}: checkpoint at iteration {} (D(real) {} D(fake) {})", runId, m.iteration(),
                        String.format("%+.3f", m.dReal()), String.format("%+.3f", m.dFake()));
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
