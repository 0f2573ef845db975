package dev.ladd.teacher.synthetic;

import dev.ladd.events.Topics;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.SyntheticDataRejected;
import dev.ladd.events.v1.SyntheticDataRequested;
import dev.ladd.platform.events.Outbox;
import dev.ladd.platform.web.NotFoundException;
import dev.ladd.teacher.TeacherProperties;
import dev.ladd.teacher.registry.TeacherRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Takes synthetic-data requests from trainer-service. A request that cannot be served (unknown
 * teacher, absurd sizes) is answered at once with {@code SyntheticDataRejected}, never retried; a valid
 * one is recorded as accepted and {@link SyntheticDataGenerator} produces its shards.
 */
@Service
public class SyntheticDataService {

    private static final Logger log = LoggerFactory.getLogger(SyntheticDataService.class);

    private final SyntheticRequestRepository requests;
    private final TeacherRepository teachers;
    private final Outbox outbox;
    private final TeacherProperties.Limits limits;
    private final SyntheticDataGenerator generator;

    public SyntheticDataService(SyntheticRequestRepository requests, TeacherRepository teachers, Outbox outbox,
                                TeacherProperties properties, SyntheticDataGenerator generator) {
        this.requests = requests;
        this.generator = generator;
        this.teachers = teachers;
        this.outbox = outbox;
        this.limits = properties.limits();
    }

    public void handle(EventEnvelope event) {
        if (event.getPayloadCase() != EventEnvelope.PayloadCase.SYNTHETIC_DATA_REQUESTED) {
            log.debug("teacher-service ignores {} events", event.getType());
            return;
        }
        SyntheticDataRequested request = event.getSyntheticDataRequested();
        if (request.getRequestId().isBlank() || request.getRunId().isBlank()) {
            throw new IllegalArgumentException("SyntheticDataRequested needs a request_id and a run_id");
        }
        String problem = problemWith(request);
        if (problem != null) {
            if (requests.insert(request, "rejected", problem)) {
                outbox.publish(Topics.SYNTHETIC_SHARDS, request.getRunId(), request.getRunId(), EventEnvelope.newBuilder()
                        .setSyntheticDataRejected(SyntheticDataRejected.newBuilder().setRunId(request.getRunId())
                                .setRequestId(request.getRequestId()).setReason(problem)));
                log.warn("synthetic data request {} rejected: {}", request.getRequestId(), problem);
            }
            return;
        }
        if (requests.insert(request, "accepted", null)) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    generator.wakeUp();
                }
            });
            log.info("synthetic data request {} accepted: {} samples from teacher {}", request.getRequestId(),
                    request.getNumSamples(), request.getTeacherId());
        }
    }

    /** What makes the request impossible to serve, or null. */
    String problemWith(SyntheticDataRequested r) {
        if (r.getNumSamples() < 1 || r.getNumSamples() > limits.maxSamplesPerRequest()) {
            return "num_samples must be in [1, " + limits.maxSamplesPerRequest() + "], got " + r.getNumSamples();
        }
        if (r.getShardSize() < 1 || r.getShardSize() > limits.maxShardSize()) {
            return "shard_size must be in [1, " + limits.maxShardSize() + "], got " + r.getShardSize();
        }
        if (r.getSamplerSteps() < 1 || r.getSamplerSteps() > limits.maxSamplerSteps()) {
            return "sampler_steps must be in [1, " + limits.maxSamplerSteps() + "], got " + r.getSamplerSteps();
        }
        if (!(r.getCfgScale() >= 0 && r.getCfgScale() <= limits.maxCfgScale())) {
            return "cfg_scale must be in [0, " + limits.maxCfgScale() + "], got " + r.getCfgScale();
        }
        if (!teachers.exists(r.getTeacherId())) {
            return "unknown teacher '" + r.getTeacherId() + "'";
        }
        if (teachers.checkpoint(r.getTeacherId()).isEmpty()) {
            return "teacher '" + r.getTeacherId() + "' has no checkpoint to sample from";
        }
        return null;
    }

    public SyntheticRequest get(String requestId) {
        return requests.find(requestId)
                .orElseThrow(() -> new NotFoundException("no synthetic data request with id '" + requestId + "'"));
    }
}
