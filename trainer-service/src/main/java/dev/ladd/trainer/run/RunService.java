package dev.ladd.trainer.run;

import dev.ladd.events.Topics;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.RunFinished;
import dev.ladd.events.v1.RunOutcome;
import dev.ladd.events.v1.RunRequested;
import dev.ladd.events.v1.SyntheticDataRejected;
import dev.ladd.events.v1.SyntheticDataRequested;
import dev.ladd.events.v1.SyntheticShardProduced;
import dev.ladd.platform.events.Outbox;
import dev.ladd.platform.web.NotFoundException;
import dev.ladd.trainer.TrainerProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import java.util.List;

/**
 * The trainer's application logic for runs. Event handlers run inside the idempotent consumer's
 * transaction: state changes and the events they publish commit together.
 */
@Service
public class RunService {

    private static final Logger log = LoggerFactory.getLogger(RunService.class);

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

    private void onRunRequested(RunRequested request) {
        if (request.getRunId().isBlank() || request.getTeacherId().isBlank()) {
            throw new IllegalArgumentException("RunRequested needs a run_id and a teacher_id, got run_id='"
                    + request.getRunId() + "' teacher_id='" + request.getTeacherId() + "'");
        }
        if (!runs.insert(request.getRunId(), request.getTeacherId(), request.getConfig(), request.getRequestedBy())) {
            log.warn("run {} already exists; ignoring a second RunRequested for it", request.getRunId());
            return;
        }
        TrainerProperties.SyntheticData data = properties.syntheticData();
        outbox.publish(Topics.SYNTHETIC_DATA_REQUESTED, request.getRunId(), request.getRunId(),
                EventEnvelope.newBuilder().setSyntheticDataRequested(SyntheticDataRequested.newBuilder()
                        .setRunId(request.getRunId())
                        .setRequestId(request.getRunId() + "/data-0")
                        .setTeacherId(request.getTeacherId())
                        .setNumSamples(data.samplesPerRequest())
                        .setSamplerSteps(data.samplerSteps())
                        .setCfgScale(data.cfgScale())
                        .setSeed(request.getConfig().getSeed())
                        .setShardSize(data.shardSize())));
        runs.updateState(request.getRunId(), RunState.WAITING_FOR_DATA, null);
        log.info("run {} created for teacher {}; synthetic data requested", request.getRunId(), request.getTeacherId());
    }

    private void onShardProduced(SyntheticShardProduced shard) {
        if (runs.find(shard.getRunId()).isEmpty()) {
            log.warn("shard {}#{} is for unknown run {}; ignoring it", shard.getRequestId(), shard.getShardIndex(), shard.getRunId());
            return;
        }
        if (runs.insertShard(shard)) {
            log.info("run {}: shard {}/{} recorded ({} samples, blob {})", shard.getRunId(), shard.getShardIndex() + 1,
                    shard.getShardCount(), shard.getCount(), shard.getShard().getSha256());
        }
    }

    private void onDataRejected(SyntheticDataRejected rejected) {
        Run run = runs.find(rejected.getRunId()).orElse(null);
        if (run == null || run.state().isFinal()) {
            return;
        }
        String reason = "teacher-service rejected the synthetic data request: " + rejected.getReason();
        runs.updateState(run.runId(), RunState.FAILED, reason);
        outbox.publish(Topics.RUN_LIFECYCLE, run.runId(), run.runId(), EventEnvelope.newBuilder()
                .setRunFinished(RunFinished.newBuilder().setRunId(run.runId())
                        .setOutcome(RunOutcome.RUN_OUTCOME_FAILED).setReason(reason)));
        log.warn("run {} failed: {}", run.runId(), reason);
    }

    public Run get(String runId) {
        return runs.find(runId).orElseThrow(() -> new NotFoundException("no run with id '" + runId + "'"));
    }

    public List<Run> list(int limit) {
        return runs.list(limit);
    }
}
