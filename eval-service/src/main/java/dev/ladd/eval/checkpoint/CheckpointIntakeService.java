package dev.ladd.eval.checkpoint;

import dev.ladd.events.Topics;
import dev.ladd.events.v1.BlobRef;
import dev.ladd.events.v1.CheckpointPublished;
import dev.ladd.events.v1.CheckpointScored;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.ml.blob.BlobId;
import dev.ladd.ml.blob.BlobStore;
import dev.ladd.platform.web.NotFoundException;
import dev.ladd.platform.events.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import java.io.IOException;
import java.util.List;

/**
 * Receives published checkpoints. Each one's blobs are verified against their sha256 first: a
 * checkpoint that fails is recorded as refused and announced as such, never scored or served.
 */
@Service
public class CheckpointIntakeService {

    private static final Logger log = LoggerFactory.getLogger(CheckpointIntakeService.class);

    private final CheckpointRepository checkpoints;
    private final BlobStore blobs;
    private final Outbox outbox;

    public CheckpointIntakeService(CheckpointRepository checkpoints, BlobStore blobs, Outbox outbox) {
        this.checkpoints = checkpoints;
        this.blobs = blobs;
        this.outbox = outbox;
    }

    public void handle(EventEnvelope event) {
        if (event.getPayloadCase() != EventEnvelope.PayloadCase.CHECKPOINT_PUBLISHED) {
            log.debug("eval-service ignores {} events", event.getType());
            return;
        }
        CheckpointPublished checkpoint = event.getCheckpointPublished();
        if (checkpoint.getCheckpointId().isBlank() || checkpoint.getRunId().isBlank()) {
            throw new IllegalArgumentException("CheckpointPublished needs a checkpoint_id and a run_id");
        }
        String problem = verify("weights", checkpoint.getWeights());
        if (problem == null) {
            problem = verify("manifest", checkpoint.getManifest());
        }
        if (problem == null) {
            if (checkpoints.insert(checkpoint, "pending", null)) {
                log.info("checkpoint {} (run {}, step {}) verified; waiting to be scored", checkpoint.getCheckpointId(),
                        checkpoint.getRunId(), checkpoint.getStep());
            }
            return;
        }
        if (checkpoints.insert(checkpoint, "refused", problem)) {
            outbox.publish(Topics.CHECKPOINT_SCORES, checkpoint.getRunId(), checkpoint.getRunId(), EventEnvelope.newBuilder()
                    .setCheckpointScored(CheckpointScored.newBuilder().setRunId(checkpoint.getRunId())
                            .setCheckpointId(checkpoint.getCheckpointId()).setStep(checkpoint.getStep())
                            .setRefused(true).setRefusalReason(problem)));
            log.warn("checkpoint {} refused: {}", checkpoint.getCheckpointId(), problem);
        }
    }

    /** Null when the blob exists and matches its checksum, else what is wrong. */
    private String verify(String what, BlobRef ref) {
        try {
            blobs.get(new BlobId(ref.getSha256(), ref.getSizeBytes()));
            return null;
        } catch (IllegalArgumentException | IOException e) {
            return what + ": " + e.getMessage();
        }
    }

    public CheckpointRecord get(String checkpointId) {
        return checkpoints.find(checkpointId)
                .orElseThrow(() -> new NotFoundException("no checkpoint with id '" + checkpointId + "'"));
    }

    public List<CheckpointRecord> byRun(String runId) {
        return checkpoints.byRun(runId);
    }
}
