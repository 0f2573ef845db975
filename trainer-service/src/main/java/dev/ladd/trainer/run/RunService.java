package dev.ladd.trainer.run;

import dev.ladd.events.Topics;
import dev.ladd.events.v1.DistillationConfig;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.RunFinished;
import dev.ladd.events.v1.RunOutcome;
import dev.ladd.events.v1.RunRequested;
import dev.ladd.events.v1.SyntheticDataRejected;
import dev.ladd.events.v1.SyntheticDataRequested;
import dev.ladd.events.v1.SyntheticShardProduced;
import dev.ladd.ml.blob.BlobId;
import dev.ladd.ml.data.FashionMnist;
import dev.ladd.ml.ladd.LaddConfig;
import dev.ladd.ml.train.Seeds;
import dev.ladd.platform.events.Outbox;
import dev.ladd.platform.web.NotFoundException;
import dev.ladd.trainer.TrainerProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * The trainer's application logic for runs. Event handlers run inside the idempotent consumer's
 * transaction: state changes and the events they publish commit together. The LADD iterations
 * themselves run in {@link dev.ladd.trainer.training.RunExecutor}.
 */
@Service
public class RunService {

    private static final Logger log = LoggerFactory.getLogger(RunService.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final RunRepository runs;
    private final Outbox outbox;
    private final TrainerProperties properties;

    public RunService(RunRepository runs, Outbox outbox, TrainerProperties properties) {
        this.runs = runs;
        this.outbox = outbox;
        this.properties = properties;
    }

    /** Handles one event from the trainer's input topics. */
    public void handle(EventEnvelope event) {
        switch (event.getPayloadCase()) {
            case RUN_REQUESTED -> onRunRequested(event.getRunRequested());
            case SYNTHETIC_SHARD_PRODUCED -> onShardProduced(event.getSyntheticShardProduced());
            case SYNTHETIC_DATA_REJECTED -> onDataRejected(event.getSyntheticDataRejected());
            default -> log.debug("trainer ignores {} events", event.getType());
        }
    }

    /**
     * Starts a run from the trainer's own API: publishes the same RunRequested the gateway would. A config that
     * {@link LaddConfig} refuses, or that needs data this trainer lacks, is refused here (the API's 400) rather than
     * becoming a run that fails.
     *
     * @throws IllegalArgumentException naming the invalid field or the missing data (nothing is published)
     */
    @Transactional
    public String start(String teacherId, DistillationConfig config, String requestedBy) {
        laddConfig(config);
        String runId = "run-" + UUID.randomUUID();
        outbox.publish(Topics.RUN_REQUESTED, runId, runId, EventEnvelope.newBuilder().setRunRequested(
                RunRequested.newBuilder().setRunId(runId).setTeacherId(teacherId).setConfig(config)
                        .setRequestedBy(requestedBy)));
        return runId;
    }

    private void onRunRequested(RunRequested request) {
        if (request.getRunId().isBlank() || request.getTeacherId().isBlank()) {
            throw new IllegalArgumentException("RunRequested needs a run_id and a teacher_id, got run_id='"
                    + request.getRunId() + "' teacher_id='" + request.getTeacherId() + "'");
        }
        DistillationConfig config = request.getConfig();
        int iterations = config.getIterations() == 0 ? RunDefaults.STANDARD.iterations() : config.getIterations();
        int interval = config.getCheckpointInterval() == 0 ? Math.min(RunDefaults.STANDARD.checkpointInterval(), iterations)
                : config.getCheckpointInterval();
        LaddConfig ladd;
        String invalid = null;
        try {
            ladd = laddConfig(config);
            if (iterations < 0 || interval < 0) {
                invalid = "iterations and checkpoint_interval must not be negative";
            } else if (!config.getDevice().isEmpty() && !config.getDevice().equals("cpu")) {
                invalid = "device '" + config.getDevice() + "' is not available on this trainer (it has: cpu)";
            }
        } catch (IllegalArgumentException e) {
            ladd = null;
            invalid = e.getMessage();
        }
        if (!runs.insert(request.getRunId(), request.getTeacherId(), config, request.getRequestedBy(),
                ladd == null ? null : JSON.writeValueAsString(ladd), iterations, interval)) {
            log.warn("run {} already exists; ignoring a second RunRequested for it", request.getRunId());
            return;
        }
        if (invalid != null) {
            fail(request.getRunId(), invalid);
            return;
        }
        runs.updateState(request.getRunId(), RunState.WAITING_FOR_DATA, null);
        requestData(request.getRunId(), request.getTeacherId(), ladd.seed(), 0);
        log.info("run {} created for teacher {} ({} iterations); synthetic data requested", request.getRunId(),
                request.getTeacherId(), iterations);
    }

    /**
     * The LADD config a run's request trains with ({@link DistillationConfigs#toLaddConfig}), refusing one whose
     * discriminator is to see real images when this trainer has no Fashion-MNIST.
     *
     * @throws IllegalArgumentException naming the invalid field, or the missing dataset and how to install it
     */
    LaddConfig laddConfig(DistillationConfig config) {
        LaddConfig ladd = DistillationConfigs.toLaddConfig(config);
        if (ladd.discriminatorData() == LaddConfig.DiscriminatorData.REAL && !properties.realData().fashionMnist().isPresent()) {
            throw new IllegalArgumentException(missingRealData(properties.realData().fashionMnistDir()));
        }
        return ladd;
    }

    /** Why a run with discriminatorData 'real' cannot train here, and how to fix that. */
    public static String missingRealData(Path folder) {
        return "discriminatorData 'real' needs Fashion-MNIST's images, which this trainer does not have: " + folder
                + " does not hold train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and "
                + "t10k-labels-idx1-ubyte.gz (gzip'd or not). Install them with `" + FashionMnist.INSTALL_HINT
                + "` (into " + FashionMnist.DEFAULT_DIRECTORY + ") or point ladd.trainer.real-data.fashion-mnist-dir (env "
                + FashionMnist.DIRECTORY_ENV + ") at a folder that holds them, or leave discriminatorData at 'synthetic'";
    }

    /**
     * Publishes the run's data request {@code index} unless it was published already (call in a transaction).
     *
     * @return whether it published
     */
    public boolean requestData(String runId, String teacherId, long seed, int index) {
        if (!runs.advanceDataRequests(runId, index)) {
            return false;
        }
        TrainerProperties.SyntheticData data = properties.syntheticData();
        outbox.publish(Topics.SYNTHETIC_DATA_REQUESTED, runId, runId,
                EventEnvelope.newBuilder().setSyntheticDataRequested(SyntheticDataRequested.newBuilder()
                        .setRunId(runId)
                        .setRequestId(requestId(runId, index))
                        .setTeacherId(teacherId)
                        .setNumSamples(data.samplesPerRequest())
                        .setSamplerSteps(data.samplerSteps())
                        .setCfgScale(data.cfgScale())
                        .setSeed(Seeds.derive(index, seed))   // = seed + P·index, as requests were always seeded
                        .setShardSize(data.shardSize())));
        return true;
    }

    static String requestId(String runId, int index) {
        return runId + "/data-" + index;
    }

    private void onShardProduced(SyntheticShardProduced shard) {
        if (runs.find(shard.getRunId()).isEmpty()) {
            log.warn("shard {}#{} is for unknown run {}; ignoring it", shard.getRequestId(), shard.getShardIndex(), shard.getRunId());
            return;
        }
        String prefix = shard.getRunId() + "/data-";
        int requestIndex;
        try {
            requestIndex = Integer.parseInt(shard.getRequestId().substring(prefix.length()));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("shard request id '" + shard.getRequestId() + "' is not one of run "
                    + shard.getRunId() + "'s requests (" + prefix + "N)");
        }
        if (shard.getTeacher().hasWeights() && shard.getTeacher().hasManifest()) {
            runs.setTeacherIfUnknown(shard.getRunId(), blob(shard.getTeacher().getWeights()), blob(shard.getTeacher().getManifest()));
        }
        if (shard.getAutoencoder().hasWeights() && shard.getAutoencoder().hasManifest()) {
            runs.setAutoencoderIfUnknown(shard.getRunId(), blob(shard.getAutoencoder().getWeights()),
                    blob(shard.getAutoencoder().getManifest()));
        }
        if (runs.insertShard(shard, requestIndex)) {
            log.info("run {}: shard {}/{} of request {} recorded ({} samples, blob {})", shard.getRunId(),
                    shard.getShardIndex() + 1, shard.getShardCount(), requestIndex, shard.getCount(),
                    shard.getShard().getSha256());
        }
    }

    private static BlobId blob(dev.ladd.events.v1.BlobRef ref) {
        return new BlobId(ref.getSha256(), ref.getSizeBytes());
    }

    private void onDataRejected(SyntheticDataRejected rejected) {
        Run run = runs.find(rejected.getRunId()).orElse(null);
        if (run == null || run.state().isFinal()) {
            return;
        }
        fail(run.runId(), "teacher-service rejected the synthetic data request: " + rejected.getReason());
    }

    /** Marks the run failed and announces it (call in a transaction). */
    public void fail(String runId, String reason) {
        finish(runId, RunState.FAILED, RunOutcome.RUN_OUTCOME_FAILED, reason);
        log.warn("run {} failed: {}", runId, reason);
    }

    /** Marks the run finished in {@code state} and publishes RunFinished (call in a transaction). */
    public void finish(String runId, RunState state, RunOutcome outcome, String reason) {
        Run run = get(runId);
        runs.updateState(runId, state, state == RunState.COMPLETED ? null : reason);
        RunFinished.Builder finished = RunFinished.newBuilder().setRunId(runId).setOutcome(outcome)
                .setStepsCompleted(run.iteration());
        if (reason != null) {
            finished.setReason(reason);
        }
        outbox.publish(Topics.RUN_LIFECYCLE, runId, runId, EventEnvelope.newBuilder().setRunFinished(finished));
    }

    /**
     * Cancels a run: one waiting for data ends at once; a training one stops after its current iteration
     * (the executor sees the mark). A finished run cannot be cancelled.
     */
    @Transactional
    public Run cancel(String runId) {
        Run run = get(runId);
        if (run.state().isFinal()) {
            throw new IllegalArgumentException("run " + runId + " is " + run.state().label() + "; only an unfinished run can be cancelled");
        }
        if (run.state() == RunState.TRAINING) {
            runs.requestCancel(runId);
        } else {
            finish(runId, RunState.CANCELLED, RunOutcome.RUN_OUTCOME_CANCELLED, "cancelled through the API");
        }
        return get(runId);
    }

    public Run get(String runId) {
        return runs.find(runId).orElseThrow(() -> new NotFoundException("no run with id '" + runId + "'"));
    }

    public List<Run> list(int limit) {
        return runs.list(limit);
    }
}
