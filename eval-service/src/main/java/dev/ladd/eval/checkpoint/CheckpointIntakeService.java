package dev.ladd.eval.checkpoint;

import dev.ladd.eval.scoring.Pass;
import dev.ladd.eval.scoring.StoredModel;
import dev.ladd.eval.teacher.TeacherRepository;
import dev.ladd.events.Topics;
import dev.ladd.events.v1.BlobRef;
import dev.ladd.events.v1.CheckpointPublished;
import dev.ladd.events.v1.CheckpointScored;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.ml.blob.BlobId;
import dev.ladd.ml.blob.BlobStore;
import dev.ladd.platform.events.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Receives published checkpoints, in the Kafka listener's transaction, and does only what is quick: every
 * blob the checkpoint needs — the student's weights and manifest, and those of the teacher it was distilled
 * from and of their autoencoder — is read and verified against its sha256. A checkpoint with a blob missing
 * (from the event or from the store) or corrupt is recorded as refused, naming every problem, and announced
 * as such; it is never scored or served. A verified one is recorded as pending: {@link
 * dev.ladd.eval.scoring.ScoringWorker} scores it in the background (that takes minutes, far more than a
 * listener may hold a poll).
 */
@Service
public class CheckpointIntakeService {

    private static final Logger log = LoggerFactory.getLogger(CheckpointIntakeService.class);

    private final CheckpointRepository checkpoints;
    private final TeacherRepository teachers;
    private final BlobStore blobs;
    private final Outbox outbox;

    public CheckpointIntakeService(CheckpointRepository checkpoints, TeacherRepository teachers, BlobStore blobs,
                                   Outbox outbox) {
        this.checkpoints = checkpoints;
        this.teachers = teachers;
        this.blobs = blobs;
        this.outbox = outbox;
    }

    public void handle(EventEnvelope event) {
        if (event.getPayloadCase() != EventEnvelope.PayloadCase.CHECKPOINT_PUBLISHED) {
            log.debug("eval-service ignores {} events", event.getType());
            return;
        }
        CheckpointPublished checkpoint = event.getCheckpointPublished();
        if (checkpoint.getCheckpointId().isBlank() || checkpoint.getRunId().isBlank() || checkpoint.getTeacherId().isBlank()) {
            throw new IllegalArgumentException("CheckpointPublished needs a checkpoint_id, a run_id and a teacher_id");
        }
        List<String> problems = new ArrayList<>();
        verified("student", checkpoint.getStudent().hasWeights(), checkpoint.getStudent().getWeights(),
                checkpoint.getStudent().hasManifest(), checkpoint.getStudent().getManifest(), problems);
        StoredModel teacher = verified("teacher", checkpoint.getTeacher().hasWeights(), checkpoint.getTeacher().getWeights(),
                checkpoint.getTeacher().hasManifest(), checkpoint.getTeacher().getManifest(), problems);
        StoredModel autoencoder = verified("autoencoder", checkpoint.getAutoencoder().hasWeights(),
                checkpoint.getAutoencoder().getWeights(), checkpoint.getAutoencoder().hasManifest(), checkpoint.getAutoencoder().getManifest(),
                problems);
        if (problems.isEmpty()) {
            if (checkpoints.insert(checkpoint, CheckpointRecord.PENDING, null)) {
                teachers.recordIfUnknown(checkpoint.getTeacherId(), teacher, autoencoder);
                log.info("checkpoint {} (run {}, step {}) verified; waiting to be scored", checkpoint.getCheckpointId(),
                        checkpoint.getRunId(), checkpoint.getStep());
            }
            return;
        }
        String reason = String.join("; ", problems);
        if (checkpoints.insert(checkpoint, CheckpointRecord.REFUSED, reason)) {
            publishRefusal(outbox, checkpoint.getRunId(), checkpoint.getCheckpointId(), checkpoint.getStep(),
                    checkpoint.getTeacherId(), null, reason);
            log.warn("checkpoint {} refused: {}", checkpoint.getCheckpointId(), reason);
        }
    }

    /**
     * Announces a refused checkpoint (call in the transaction that recorded the refusal).
     *
     * @param pass the scoring pass that refused it; null when the intake did
     */
    public static void publishRefusal(Outbox outbox, String runId, String checkpointId, int step, String teacherId,
                                      Pass pass, String reason) {
        CheckpointScored.Builder refused = CheckpointScored.newBuilder().setRunId(runId).setCheckpointId(checkpointId)
                .setStep(step).setTeacherId(teacherId).setRefused(true).setRefusalReason(reason);
        if (pass != null) {
            refused.setPass(pass.toProto());
        }
        outbox.publish(Topics.CHECKPOINT_SCORES, runId, runId, EventEnvelope.newBuilder().setCheckpointScored(refused));
    }

    /** The model if both its blobs are in the event and the store and match their sha256; else null, and why. */
    private StoredModel verified(String what, boolean hasWeights, BlobRef weights, boolean hasManifest, BlobRef manifest,
                                 List<String> problems) {
        BlobId w = verified(what + " weights", hasWeights, weights, problems);
        BlobId m = verified(what + " manifest", hasManifest, manifest, problems);
        return w == null || m == null ? null : new StoredModel(what, w, m);
    }

    private BlobId verified(String what, boolean present, BlobRef ref, List<String> problems) {
        if (!present || ref.getSha256().isEmpty()) {
            problems.add(what + ": missing from the event");
            return null;
        }
        try {
            BlobId id = new BlobId(ref.getSha256(), ref.getSizeBytes());
            blobs.get(id);   // reads and re-hashes the bytes
            return id;
        } catch (IllegalArgumentException | IOException e) {
            problems.add(what + ": " + e.getMessage());
            return null;
        }
    }
}
