package dev.ladd.trainer.training;

import dev.ladd.events.CheckpointIds;
import dev.ladd.events.Topics;
import dev.ladd.events.v1.BlobRef;
import dev.ladd.events.v1.CheckpointPublished;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.RunOutcome;
import dev.ladd.ml.blob.BlobId;
import dev.ladd.ml.blob.ModelRef;
import dev.ladd.ml.blob.BlobStore;
import dev.ladd.ml.checkpoint.Checkpoint;
import dev.ladd.ml.checkpoint.Safetensors;
import dev.ladd.ml.ladd.LaddTraining;
import dev.ladd.platform.events.Outbox;
import dev.ladd.trainer.run.CheckpointRepository;
import dev.ladd.trainer.run.RunService;
import dev.ladd.trainer.run.RunState;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * Writes a checkpoint so that a crash at any moment neither loses nor repeats it:
 * <ol>
 *   <li>the student (weights + manifest) and the resume state go to the blob store (content-addressed:
 *       writing the same bytes again is harmless);</li>
 *   <li>one transaction inserts the checkpoint row, records the progress, publishes
 *       {@code CheckpointPublished} through the outbox and, for the last one, completes the run.</li>
 * </ol>
 * A crash before 2 leaves only unreferenced blobs: the resumed run recomputes the same iterations and
 * writes the same checkpoint. A crash after 2 resumes from this checkpoint; its row's primary key
 * (run, step) keeps a repeated write from publishing twice. The transaction first checks the trainer's
 * {@link RunLease}: a trainer that lost the run writes and publishes nothing.
 */
@Component
class CheckpointPublisher {

    private final BlobStore blobs;
    private final CheckpointRepository checkpoints;
    private final RunService runService;
    private final Outbox outbox;
    private final TransactionTemplate tx;

    CheckpointPublisher(BlobStore blobs, CheckpointRepository checkpoints, RunService runService, Outbox outbox,
                        TransactionTemplate tx) {
        this.blobs = blobs;
        this.checkpoints = checkpoints;
        this.runService = runService;
        this.outbox = outbox;
        this.tx = tx;
    }

    /**
     * @param teacher     {weights, manifest} of the teacher the run distills
     * @param autoencoder {weights, manifest} of its latent space's autoencoder, or empty when the teacher has none
     */
    void publish(RunLease lease, String teacherId, ModelRef teacher, Optional<ModelRef> autoencoder, LaddTraining training,
                 Checkpoint student, boolean last) throws IOException {
        String runId = lease.runId();
        int step = (int) training.iteration();
        BlobId weights = blobs.put(student.weights());
        BlobId manifest = blobs.put(student.manifestJson());
        BlobId state = blobs.put(Safetensors.toBytes(training.captureState(Map.of())));
        String checkpointId = CheckpointIds.of(runId, step);
        tx.executeWithoutResult(status -> {
            lease.verify();   // no checkpoint, event or state change under a lost lease (docs/adr/018)
            if (checkpoints.insert(new CheckpointRepository.Checkpoint(runId, step, checkpointId, weights, manifest, state,
                    last, null))) {
                outbox.publish(Topics.CHECKPOINTS, runId, runId, EventEnvelope.newBuilder().setCheckpointPublished(
                        event(runId, checkpointId, step, weights, manifest, teacherId, last, teacher, autoencoder)));
            }
            if (last) {
                runService.finish(runId, RunState.COMPLETED, RunOutcome.RUN_OUTCOME_COMPLETED, null);
            }
        });
    }

    /**
     * The event of a checkpoint: the student's claim checks, and those of the teacher and its autoencoder, which travel
     * with it (eval-service decodes and compares with them, inference-service decodes with the autoencoder).
     */
    static CheckpointPublished.Builder event(String runId, String checkpointId, int step, BlobId weights, BlobId manifest,
                                             String teacherId, boolean last, ModelRef teacher,
                                             Optional<ModelRef> autoencoder) {
        CheckpointPublished.Builder published = CheckpointPublished.newBuilder().setRunId(runId)
                .setCheckpointId(checkpointId).setStep(step)
                .setStudent(dev.ladd.events.v1.ModelRef.newBuilder().setWeights(ref(weights, "application/safetensors"))
                .setManifest(ref(manifest, "application/json")))
                .setTeacherId(teacherId).setFinal(last)
                .setTeacher(dev.ladd.events.v1.ModelRef.newBuilder().setWeights(ref(teacher.weights(), "application/safetensors"))
                .setManifest(ref(teacher.manifest(), "application/json")));
        autoencoder.ifPresent(ae -> published.setAutoencoder(dev.ladd.events.v1.ModelRef.newBuilder().setWeights(ref(ae.weights(), "application/safetensors"))
                .setManifest(ref(ae.manifest(), "application/json"))));
        return published;
    }

    private static BlobRef ref(BlobId id, String mediaType) {
        return BlobRef.newBuilder().setSha256(id.sha256()).setSizeBytes(id.sizeBytes()).setMediaType(mediaType).build();
    }
}
