package dev.ladd.ml.eval;

import dev.ladd.ml.diffusion.EulerSampler;
import dev.ladd.ml.diffusion.Sampler;
import dev.ladd.ml.diffusion.SeededBatches;
import dev.ladd.ml.metrics.ModelBench;
import dev.ladd.ml.metrics.SampleScorer;
import dev.ladd.ml.metrics.SpeedMeter;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.pipeline.FlowModel;
import dev.ladd.ml.pipeline.Pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * Measures models on the evaluation set the one way every score is made — by eval-service's worker, by
 * ladd-tools' {@code report} command and by its {@code baselines} command: the set's samples are made in units of
 * {@value #UNIT} (the samplers' own chunk, so every sample is made in the same batch as by one call over the whole
 * set and the latents are the same), each unit handed to {@link Units} as soon as it is made; then the latents are
 * scored and the model timed ({@link ModelBench}). Between two units the caller may stop the work ({@code goOn});
 * the units already handed over are not made again when it is measured again with the same {@link Units}.
 */
public final class Measurement {

    /** Samples per unit of work: one chunk of the samplers. */
    public static final int UNIT = SeededBatches.CHUNK;

    /**
     * What is measured: a sampler at a step count (the teacher with CFG) on the first {@code samples} prompts and
     * seeds of the evaluation set.
     *
     * @param sampler {@link ModelScore#STUDENT} or {@link ModelScore#TEACHER}
     */
    public record Target(String sampler, int steps, double cfgScale, int samples) {

        public static Target student(int steps, int samples) {
            return new Target(ModelScore.STUDENT, steps, 0, samples);
        }

        public static Target teacher(int steps, double cfgScale, int samples) {
            return new Target(ModelScore.TEACHER, steps, cfgScale, samples);
        }

        /** e.g. {@code student@4}, {@code teacher@50+CFG1.5}. */
        public String label() {
            if (sampler.equals(ModelScore.STUDENT)) {
                return sampler + "@" + steps;
            }
            String cfg = cfgScale == Math.rint(cfgScale) ? Long.toString((long) cfgScale) : Double.toString(cfgScale);
            return sampler + "@" + steps + "+CFG" + cfg;
        }

        /** Network evaluations per sample: the guided teacher evaluates the conditional and the unconditional half. */
        public int evaluationsPerSample() {
            return sampler.equals(ModelScore.TEACHER) ? 2 * steps : steps;
        }

        public int units() {
            return (samples + UNIT - 1) / UNIT;
        }
    }

    /**
     * Told what a measurement is doing, for progress and ETA ({@link MeasurementProgress}; eval-service's
     * {@code ScoringProgress} extends it with what its API shows).
     */
    public interface Progress {
        /** {@code target} is being measured now. */
        void working(Target target);

        /** {@code samples} more samples of {@code target} were made. */
        void sampled(Target target, int samples);

        /** {@code target} is scored and timed. */
        void finished(Target target, ModelScore score);
    }

    /** Where the units of one target are kept: the database in the service, memory in the commands. */
    public interface Units {
        /** The units made so far: first sample → latents. */
        SortedMap<Integer, float[]> committed();

        void commit(int firstSample, int sampleCount, float[] latents);
    }

    /** Units kept only for the one measurement (the commands: nothing to resume). */
    public static Units inMemory() {
        SortedMap<Integer, float[]> units = new TreeMap<>();
        return new Units() {
            @Override
            public SortedMap<Integer, float[]> committed() {
                return units;
            }

            @Override
            public void commit(int firstSample, int sampleCount, float[] latents) {
                units.put(firstSample, latents);
            }
        };
    }

    /**
     * The model's pipeline as the target is measured: a teacher at {@code target.steps()} Euler steps with the
     * target's CFG scale (its baselines), a student at {@code target.steps()} steps with the sampler its manifest names.
     */
    public static Pipeline pipeline(FlowModel model, Autoencoder autoencoder, Target target) {
        Sampler sampler = model.role() == FlowModel.Role.TEACHER
                ? new EulerSampler(target.steps(), target.cfgScale(), 1.0)
                : model.studentSampler(target.steps());
        return new Pipeline(model, sampler, autoencoder);
    }

    private final SampleScorer scorer;
    private final ModelBench bench;

    /** @param scorer the evaluation set of the targets' size, with the autoencoder of the models' latent space */
    public Measurement(SampleScorer scorer, SpeedMeter meter) {
        this.scorer = scorer;
        this.bench = new ModelBench(scorer, meter);
    }

    /**
     * Makes the target's missing units, then scores and times it; empty when {@code goOn} (asked before each unit)
     * says stop.
     */
    public Optional<ModelScore> measure(Target target, Pipeline model, Units units,
                                        Progress progress, BooleanSupplier goOn) {
        List<String> prompts = scorer.prompts();
        List<Long> seeds = scorer.seeds();
        if (prompts.size() != target.samples()) {
            throw new IllegalArgumentException("the evaluation set holds " + prompts.size() + " samples, the target "
                    + target.label() + " wants " + target.samples());
        }
        progress.working(target);
        SortedMap<Integer, float[]> made = units.committed();
        List<float[]> parts = new ArrayList<>();
        int perSample = -1;
        for (int from = 0; from < target.samples(); from += UNIT) {
            int to = Math.min(target.samples(), from + UNIT);
            float[] latents = made.get(from);
            if (latents == null) {
                if (!goOn.getAsBoolean()) {
                    return Optional.empty();
                }
                latents = model.latents(prompts.subList(from, to), seeds.subList(from, to));
                units.commit(from, to - from, latents);
                progress.sampled(target, to - from);
            }
            if (perSample < 0) {
                perSample = latents.length / (to - from);
            }
            if (latents.length != perSample * (to - from)) {
                throw new IllegalStateException(String.format(Locale.ROOT, "%s: the unit at sample %d holds %d values, "
                        + "not %d samples of %d", target.label(), from, latents.length, to - from, perSample));
            }
            parts.add(latents);
        }
        float[] all = new float[target.samples() * perSample];
        int at = 0;
        for (float[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        ModelScore score = ModelScore.of(target.sampler(), target.steps(), target.cfgScale(), bench.measure(model, all));
        progress.finished(target, score);
        return Optional.of(score);
    }
}
