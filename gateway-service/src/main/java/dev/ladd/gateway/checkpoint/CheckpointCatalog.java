package dev.ladd.gateway.checkpoint;

import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.gateway.serving.AutoPromotionPolicy;
import dev.ladd.gateway.serving.DefaultStudentBootstrap;
import dev.ladd.platform.web.NotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import java.util.List;

/**
 * Learns checkpoints (claim checks) and their scores from the trainer's and eval-service's events; the committed default
 * student goes on to {@link DefaultStudentBootstrap}, every complete checkpoint to the optional auto-policy.
 */
@Service
public class CheckpointCatalog {

    private static final Logger log = LoggerFactory.getLogger(CheckpointCatalog.class);

    private final CheckpointRepository checkpoints;
    private final AutoPromotionPolicy policy;
    private final DefaultStudentBootstrap defaultStudent;

    public CheckpointCatalog(CheckpointRepository checkpoints, AutoPromotionPolicy policy,
                             DefaultStudentBootstrap defaultStudent) {
        this.checkpoints = checkpoints;
        this.policy = policy;
        this.defaultStudent = defaultStudent;
    }

    /** Applies CheckpointPublished or CheckpointScored (in the consumer's transaction). */
    public void handle(EventEnvelope event) {
        switch (event.getPayloadCase()) {
            case CHECKPOINT_PUBLISHED -> {
                var published = event.getCheckpointPublished();
                require(published.getCheckpointId(), published.getRunId());
                checkpoints.savePublished(published);
                if (!published.getDefaultStudentFolder().isEmpty()) {
                    defaultStudent.serveIfNothingWasPromoted(published);
                }
                policy.consider(published.getCheckpointId());
            }
            case CHECKPOINT_SCORED -> {
                var scored = event.getCheckpointScored();
                require(scored.getCheckpointId(), scored.getRunId());
                checkpoints.saveScored(scored);
                policy.consider(scored.getCheckpointId());
            }
            default -> log.debug("gateway ignores {} events on the checkpoint topics", event.getType());
        }
    }

    private static void require(String checkpointId, String runId) {
        if (checkpointId.isBlank() || runId.isBlank()) {
            throw new IllegalArgumentException("checkpoint event without checkpoint id or run id");
        }
    }

    public CheckpointRecord get(String checkpointId) {
        return checkpoints.find(checkpointId).orElseThrow(() ->
                new NotFoundException("no checkpoint with id '" + checkpointId + "'"));
    }

    public List<CheckpointRecord> list(String runId, int limit) {
        return checkpoints.list(runId, limit);
    }
}
