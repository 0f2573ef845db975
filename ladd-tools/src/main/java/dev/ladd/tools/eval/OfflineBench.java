package dev.ladd.tools.eval;

import ai.djl.ndarray.NDManager;
import dev.ladd.ml.checkpoint.AutoencoderCheckpoint;
import dev.ladd.ml.checkpoint.FlowModelCheckpoint;
import dev.ladd.ml.eval.Measurement;
import dev.ladd.ml.eval.MeasurementProgress;
import dev.ladd.ml.eval.ModelScore;
import dev.ladd.ml.metrics.SampleScorer;
import dev.ladd.ml.metrics.SpeedMeter;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.nn.FlowTransformer;
import dev.ladd.ml.pipeline.FlowModel;
import dev.ladd.ml.pipeline.Pipeline;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The commands' way of measuring: a teacher folder ({@code models/default}: teacher and autoencoder) loaded once,
 * and targets measured with eval-service's own {@link Measurement} (units kept in memory), one after the other in
 * this process, with progress and ETA on {@code progress}.
 */
final class OfflineBench implements AutoCloseable {

    static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(15);

    private final NDManager manager = NDManager.newBaseManager();
    private final FlowModel teacher;
    private final Autoencoder autoencoder;
    private final Path classifierDir;
    private final SpeedMeter meter;
    private final int speedCalls;

    /**
     * @param warmup  untimed calls before the timed ones ({@link SpeedMeter})
     * @param repeats timed calls, whose median is kept
     */
    OfflineBench(Path teacherDir, Path classifierDir, int warmup, int repeats) throws IOException {
        this.classifierDir = classifierDir;
        this.meter = new SpeedMeter(warmup, repeats);
        this.speedCalls = warmup + repeats;
        try {
            this.teacher = FlowModelCheckpoint.load(teacherDir, FlowModel.Role.TEACHER);
            this.autoencoder = AutoencoderCheckpoint.load(teacherDir, manager);
            autoencoder.freezeParameters(true);
            requireDecodes("the teacher", teacher.network());
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Refuses a model whose latents this folder's autoencoder cannot decode. */
    void requireDecodes(String what, FlowTransformer model) {
        autoencoder.requireDecodes(what, model.config().denoiser());
    }

    /** The folder's teacher as its baselines are measured. */
    Pipeline teacherPipeline(Measurement.Target target) {
        return pipeline(teacher, target);
    }

    /** A model of this folder's latent space as the target is measured, decoded by the folder's autoencoder. */
    Pipeline pipeline(FlowModel model, Measurement.Target target) {
        return Measurement.pipeline(model, autoencoder, target);
    }

    /** Measures the targets in order (one evaluation set per sample count); progress lines go to {@code progress}. */
    List<ModelScore> measure(String subject, List<Measurement.Target> targets,
                             Function<Measurement.Target, Pipeline> samplers, PrintStream progress)
            throws IOException {
        MeasurementProgress tracker = new MeasurementProgress(subject, targets, speedCalls, PROGRESS_INTERVAL,
                progress::println);
        List<ModelScore> scores = new ArrayList<>();
        SampleScorer scorer = null;
        try {
            for (Measurement.Target target : targets) {
                if (scorer == null || scorer.prompts().size() != target.samples()) {
                    if (scorer != null) {
                        scorer.close();
                    }
                    scorer = new SampleScorer(classifierDir, autoencoder, target.samples());
                }
                progress.printf("measuring %s over %d samples …%n", target.label(), target.samples());
                scores.add(new Measurement(scorer, meter)
                        .measure(target, samplers.apply(target), Measurement.inMemory(), tracker, () -> true)
                        .orElseThrow());
            }
        } finally {
            if (scorer != null) {
                scorer.close();
            }
        }
        return scores;
    }

    @Override
    public void close() {
        if (teacher != null) {
            teacher.close();
        }
        manager.close();
    }
}
