package dev.ladd.gateway.run;

import dev.ladd.events.Topics;
import dev.ladd.events.v1.DistillationConfig;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.RunFinished;
import dev.ladd.events.v1.RunRequested;
import dev.ladd.gateway.GatewayProperties;
import dev.ladd.platform.events.Outbox;
import dev.ladd.platform.web.NotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.util.List;
import java.util.UUID;

/** Starts runs (publishes RunRequested) and keeps the gateway's view of runs current from lifecycle events. */
@Service
public class RunGatewayService {

    private static final Logger log = LoggerFactory.getLogger(RunGatewayService.class);

    private final RunViewRepository runs;
    private final Outbox outbox;
    private final GatewayProperties.RunDefaults defaults;

    public RunGatewayService(RunViewRepository runs, Outbox outbox, GatewayProperties properties) {
        this.runs = runs;
        this.outbox = outbox;
        this.defaults = properties.runDefaults();
    }

    @Transactional
    public RunView start(StartRunRequest request, String requestedBy) {
        String runId = "run-" + UUID.randomUUID();
        DistillationConfig.Builder config = DistillationConfig.newBuilder()
                .setIterations(orDefault(request.iterations(), defaults.iterations()))
                .setBatchSize(orDefault(request.batchSize(), defaults.batchSize()))
                .setCheckpointInterval(orDefault(request.checkpointInterval(), defaults.checkpointInterval()))
                .setStudentLearningRate(request.studentLearningRate() != null ? request.studentLearningRate() : defaults.studentLearningRate())
                .setHeadLearningRate(request.headLearningRate() != null ? request.headLearningRate() : defaults.headLearningRate())
                .setSeed(request.seed() != null ? request.seed() : 0L)
                .setDevice(request.device() != null ? request.device() : "cpu");
        if (request.studentNoise() != null) config.setStudentNoise(request.studentNoise());
        if (request.distillationWeight() != null) config.setDistillationWeight(request.distillationWeight());
        if (request.emaDecay() != null) config.setEmaDecay(request.emaDecay());
        if (request.renoiseMean() != null) config.setRenoiseMean(request.renoiseMean());
        if (request.discriminatorSteps() != null) config.setDiscriminatorSteps(request.discriminatorSteps());
        if (request.r1Weight() != null) config.setR1Weight(request.r1Weight());
        if (request.headChannels() != null) config.setHeadChannels(request.headChannels());
        if (request.samplerEta() != null) config.setSamplerEta(request.samplerEta());
        runs.insert(runId, request.teacherId(), requestedBy);
        outbox.publish(Topics.RUN_REQUESTED, runId, runId, EventEnvelope.newBuilder().setRunRequested(RunRequested.newBuilder()
                .setRunId(runId).setTeacherId(request.teacherId()).setConfig(config).setRequestedBy(requestedBy)));
        log.info("run {} requested by {} for teacher {}", runId, requestedBy, request.teacherId());
        return runs.find(runId).orElseThrow();
    }

    /** Applies a run lifecycle event from the trainer. */
    public void handle(EventEnvelope event) {
        switch (event.getPayloadCase()) {
            case RUN_STARTED -> runs.updateState(event.getRunStarted().getRunId(), "training", null);
            case RUN_FINISHED -> {
                RunFinished finished = event.getRunFinished();
                runs.updateState(finished.getRunId(), outcomeLabel(finished), finished.getReason().isEmpty() ? null : finished.getReason());
            }
            default -> log.debug("gateway ignores {} events on the run lifecycle topic", event.getType());
        }
    }

    private static String outcomeLabel(RunFinished finished) {
        return switch (finished.getOutcome()) {
            case RUN_OUTCOME_COMPLETED -> "completed";
            case RUN_OUTCOME_CANCELLED -> "cancelled";
            default -> "failed";
        };
    }

    public RunView get(String runId) {
        return runs.find(runId).orElseThrow(() -> new NotFoundException("no run with id '" + runId + "'"));
    }

    public List<RunView> list(int limit) {
        return runs.list(limit);
    }

    private static int orDefault(Integer value, int fallback) {
        return value != null ? value : fallback;
    }
}
