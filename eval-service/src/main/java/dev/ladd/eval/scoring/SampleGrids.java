package dev.ladd.eval.scoring;

import ai.djl.ndarray.NDManager;
import dev.ladd.eval.checkpoint.CheckpointRecord;
import dev.ladd.eval.checkpoint.CheckpointRepository;
import dev.ladd.eval.teacher.TeacherRecord;
import dev.ladd.ml.data.ClassGrid;
import dev.ladd.ml.data.Prompts;
import dev.ladd.ml.diffusion.EulerSampler;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.pipeline.FlowModel;
import dev.ladd.ml.pipeline.Pipeline;
import org.springframework.stereotype.Service;

/**
 * Sample grids for people to look at next to the scores: one row per class (its first phrasing), one column
 * per seed 0 … 7 — the grid of {@link ClassGrid}, the same prompts and seeds for every model, so a checkpoint
 * and its teacher can be laid side by side. Drawn on request from the verified blobs.
 */
@Service
public class SampleGrids {

    public static final int SEEDS = 8;

    private final ScoreQueries queries;
    private final CheckpointRepository checkpoints;
    private final ModelStore models;
    private final ClassGrid grid = new ClassGrid(Prompts.fashionMnist(), SEEDS);

    public SampleGrids(ScoreQueries queries, CheckpointRepository checkpoints, ModelStore models) {
        this.queries = queries;
        this.checkpoints = checkpoints;
        this.models = models;
    }

    /** The checkpoint's student at {@code steps} steps, as PNG; a refused checkpoint has none (409). */
    public byte[] checkpoint(String checkpointId, int steps) throws UnusableModelException {
        CheckpointRecord checkpoint = queries.checkpoint(checkpointId);
        CheckpointRepository.Models stored = checkpoints.models(checkpointId);
        if (checkpoint.state().equals(CheckpointRecord.REFUSED) || stored.autoencoder() == null) {
            throw new CheckpointRefusedException(checkpointId, checkpoint.refusalReason());
        }
        try (NDManager manager = NDManager.newBaseManager();
             FlowModel student = models.student(stored.student())) {
            Autoencoder autoencoder = models.autoencoder(stored.autoencoder(), manager);
            ModelStore.checkLatentSpace("student", student.network(), autoencoder);
            return png(new Pipeline(student, student.studentSampler(steps), autoencoder));
        }
    }

    /** The teacher at {@code steps} Euler steps with guidance {@code cfg}, as PNG. */
    public byte[] teacher(String teacherId, int steps, double cfg) throws UnusableModelException {
        TeacherRecord record = queries.teacher(teacherId);
        try (NDManager manager = NDManager.newBaseManager();
             FlowModel teacher = models.teacher(record.teacher())) {
            Autoencoder autoencoder = models.autoencoder(record.autoencoder(), manager);
            ModelStore.checkLatentSpace("teacher " + teacherId, teacher.network(), autoencoder);
            return png(new Pipeline(teacher, new EulerSampler(steps, cfg, 1.0), autoencoder));
        }
    }

    private byte[] png(Pipeline pipeline) {
        return grid.png(pipeline.images(grid.prompts(), grid.seeds()), pipeline.imageSize());
    }
}
