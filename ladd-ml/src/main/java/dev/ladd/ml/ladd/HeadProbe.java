package dev.ladd.ml.ladd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ladd.ml.checkpoint.CheckpointMismatchException;
import dev.ladd.ml.diffusion.RectifiedFlow;
import dev.ladd.ml.nn.DenoiserConfig;
import dev.ladd.ml.nn.Discriminator;
import dev.ladd.ml.nn.DiscriminatorConfig;
import dev.ladd.ml.nn.FlowTransformer;
import dev.ladd.ml.train.Seeds;

import java.util.List;
import java.util.Random;

/**
 * Can the heads learn at all? The LADD diagnostic of docs/adr/022: a frozen student (the published weights of
 * a run) makes the fakes, fresh heads of a given config train against the real class alone, and their accuracy
 * is measured on held-out batches per re-noising level t̂ and per teacher block. If the heads cannot separate a
 * young student's samples from the teacher's, no weighting of the adversarial loss will help.
 */
public final class HeadProbe {

    private final LaddTraining training;
    private long steps;

    private HeadProbe(LaddTraining training) {
        this.training = training;
    }

    /**
     * Fresh heads (seeded from {@code config}) for {@code run}'s published student, trained with {@code config}'s
     * head settings; the student never changes here.
     */
    public static HeadProbe of(LaddTraining run, LaddConfig config, NDManager manager) throws CheckpointMismatchException {
        FlowTransformer teacher = run.teacher();
        DenoiserConfig d = teacher.config().denoiser();
        Discriminator heads = new Discriminator(new DiscriminatorConfig(LaddTraining.featureBlocks(config, d), d.width(),
                d.textWidth(), LaddTraining.HEAD_TIME_WIDTH, config.headChannels(), config.headNorm()));
        heads.initialize(manager, config.seed());
        return new HeadProbe(new LaddTraining(teacher, run.publishedStudent(manager), heads, run.tokenizer(), config));
    }

    /** One head update against the frozen student's x̂₀; returns the heads' D(real) − D(fake). */
    public double trainHeads(NDManager manager, LaddBatch batch) {
        Random rng = Seeds.random(training.config().seed(), steps++);
        try (NDManager sub = manager.newSubManager()) {
            LaddTraining.Inputs in = training.inputs(sub, batch);
            LaddTraining.HeadUpdate update = training.headStep(in, training.studentSample(in, rng), rng);
            return update.dReal() - update.dFake();
        }
    }

    /**
     * Accuracy of each head, and of the heads' mean logit, at telling {@code batch}'s real latents from the frozen
     * student's x̂₀ for them, with t̂ drawn uniformly in each of {@code bins} equal bins of [0, 1] (real and fake of a
     * sample at the same t̂ with the same noise): [bin][head], the last column the mean over heads. Accuracy counts
     * a logit (averaged over tokens) above 0 as "real".
     */
    public double[][] accuracy(NDManager manager, LaddBatch batch, int bins, long seed) {
        int heads = training.blocks().length;
        double[][] correct = new double[bins][heads + 1];
        Random rng = new Random(seed);
        try (NDManager sub = manager.newSubManager()) {
            LaddTraining.Inputs in = training.inputs(sub, batch);
            NDArray fake = training.studentSample(in, rng);
            int b = in.size();
            NDList text = new NDList(in.teacherText().get(0).concat(in.teacherText().get(0), 0),
                    in.teacherText().get(1).concat(in.teacherText().get(1), 0));
            NDArray mask = in.mask().concat(in.mask(), 0);
            for (int k = 0; k < bins; k++) {
                float[] t = new float[b];
                for (int i = 0; i < b; i++) {
                    t[i] = (float) ((k + rng.nextDouble()) / bins);
                }
                NDArray levels = sub.create(t).tile(2);
                NDArray noise = RectifiedFlow.gaussian(sub, in.shape(), rng).tile(new long[]{2, 1, 1, 1});
                NDArray both = RectifiedFlow.noised(in.x0().concat(fake, 0), noise, levels);
                List<NDArray> features = training.teacher().features(in.ps(), both, levels, text, mask,
                        training.blocks(), false);
                List<NDArray> logits = Discriminator.pooled(training.discriminator().logits(in.ps(), features,
                        in.rows(), in.cols(), levels, text.get(1), false));
                float[] mean = new float[2 * b];
                for (int h = 0; h < heads; h++) {
                    float[] l = logits.get(h).toFloatArray();
                    correct[k][h] = share(l, b);
                    for (int i = 0; i < l.length; i++) {
                        mean[i] += l[i] / heads;
                    }
                }
                correct[k][heads] = share(mean, b);
            }
        }
        return correct;
    }

    /** Share of the first b logits above 0 (real) and of the next b not above 0 (fake). */
    private static double share(float[] logits, int b) {
        int right = 0;
        for (int i = 0; i < 2 * b; i++) {
            if ((logits[i] > 0) == (i < b)) {
                right++;
            }
        }
        return right / (2.0 * b);
    }
}
