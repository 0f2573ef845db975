package dev.ladd.ml.ladd;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import dev.ladd.ml.nn.HeadNorm;

import java.util.List;
import java.util.Locale;

/**
 * Every choice of a LADD run; build one with {@link #builder()} (or change one with {@link #toBuilder()}).
 * {@link #paper()} gives the paper's values (Sauer et al. 2024) where it
 * states them and the published re-implementations' where it does not; a run overrides any of them.
 *
 * @param studentTimesteps       the discrete noise levels the student learns to jump from (1 = pure noise)
 * @param studentTimestepWeights their sampling probabilities (normalized here)
 * @param renoiseMean            m of t̂ ~ LogitNormal(m, s), the level fake and real are re-noised to
 * @param renoiseStd             s of that law
 * @param featureBlocks          teacher blocks the heads read, ascending; empty = every block
 * @param headChannels           convolution channels of each head
 * @param studentLearningRate    AdamW lr of the student
 * @param headLearningRate       AdamW lr of the heads
 * @param beta1                  AdamW β₁ of both optimizers
 * @param beta2                  AdamW β₂ of both optimizers
 * @param batchSize              synthetic samples per iteration
 * @param discriminatorSteps     head updates per student update
 * @param r1Weight               weight of the (finite-difference) R1 penalty on real features; 0 = off
 * @param r1Sigma                σ of that finite difference
 * @param emaDecay               decay of an EMA of the student's weights; 0 = off
 * @param distillationWeight     weight of MSE(x̂₀, x₀) in the student's loss; 0 = off (adversarial only)
 * @param studentNoise           {@link StudentNoise#FRESH} ("fresh"): the student's input noise is new noise (the
 *                               paper); {@link StudentNoise#SHARD} ("shard"): the noise that made each synthetic
 *                               sample (its seed), so at t = 1 the student sees exactly the teacher's starting point
 * @param samplerEta             share of fresh noise in each re-noising of the student's few-step sampler
 *                               (DDIM's η; {@link dev.ladd.ml.diffusion.StudentSampler}): 1 = fresh noise (the
 *                               paper), 0 = the noise the student predicts (Euler steps of its flow). Recorded in
 *                               the student's manifest, so every service samples the student the same way
 * @param adversarialWeight      weight of the adversarial term in the student's loss; 0 = distillation only (the
 *                               ablation), the heads still train and report their margin
 * @param adversarialRampIterations the adversarial weight grows linearly from 0 to its value over this many
 *                               iterations; 0 = full weight from the start
 * @param adversarialWeighting   {@link AdversarialWeighting#FIXED}: the loss is adversarialWeight · L_adv + …;
 *                               {@link AdversarialWeighting#ADAPTIVE}: the adversarial term's gradient on x̂₀ is
 *                               scaled to adversarialWeight × the distillation term's (needs distillationWeight > 0)
 * @param adversarialLoss        {@link AdversarialLoss#HINGE} (the paper) or {@link AdversarialLoss#SOFTPLUS}
 *                               (non-saturating)
 * @param sharedRenoise          real and fake sample i are re-noised to the same t̂ with the same noise in the head
 *                               update (FastGen), instead of independent draws
 * @param headLogits             {@link HeadLogits#IMAGE}: each head's token logits are averaged into one per image
 *                               before the loss; {@link HeadLogits#TOKEN}: the loss is taken per token (Sana-Sprint)
 * @param headNorm               the heads' normalization ({@link HeadNorm})
 * @param wrongPromptFakes       the head update adds the real latents under another sample's prompt (of another
 *                               class) as extra fakes, so the heads must judge the prompt too
 * @param discriminatorData      what the heads see as real: {@link DiscriminatorData#SYNTHETIC} the teacher's samples
 *                               (the paper) or {@link DiscriminatorData#REAL} real images' latents (DMD2-style; the
 *                               caller supplies them to {@link LaddTraining#step(ai.djl.ndarray.NDManager, LaddBatch, LaddBatch)})
 * @param seed                   every iteration's randomness derives from (seed, iteration)
 */
public record LaddConfig(
        List<Double> studentTimesteps,
        List<Double> studentTimestepWeights,
        double renoiseMean,
        double renoiseStd,
        List<Integer> featureBlocks,
        int headChannels,
        float studentLearningRate,
        float headLearningRate,
        float beta1,
        float beta2,
        int batchSize,
        int discriminatorSteps,
        double r1Weight,
        double r1Sigma,
        double emaDecay,
        double distillationWeight,
        StudentNoise studentNoise,
        double samplerEta,
        double adversarialWeight,
        int adversarialRampIterations,
        AdversarialWeighting adversarialWeighting,
        AdversarialLoss adversarialLoss,
        boolean sharedRenoise,
        HeadLogits headLogits,
        HeadNorm headNorm,
        boolean wrongPromptFakes,
        DiscriminatorData discriminatorData,
        long seed) {

    /** The noise the student's input x_t is made from in training. */
    public enum StudentNoise {
        /** New noise (the paper). */
        FRESH,
        /** The noise that made each synthetic sample (its seed): at t = 1 the student sees the teacher's start. */
        SHARD;

        /** As in JSON and the run config: "fresh" or "shard". */
        @JsonValue
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** "fresh" or "shard" (as JSON and the run config spell it); refuses anything else naming the field. */
        @JsonCreator
        public static StudentNoise of(String id) {
            for (StudentNoise noise : values()) {
                if (noise.id().equals(id)) {
                    return noise;
                }
            }
            throw new IllegalArgumentException("invalid LADD config: studentNoise must be 'fresh' or 'shard', got '" + id + "'");
        }
    }

    /** The adversarial loss of heads and student. */
    public enum AdversarialLoss {
        /** L_D = relu(1 − D(real)) + relu(1 + D(fake)), L_G = −D(fake) (the paper). */
        HINGE,
        /** L_D = softplus(−D(real)) + softplus(D(fake)), L_G = softplus(−D(fake)) (non-saturating; FastGen). */
        SOFTPLUS;

        @JsonValue
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static AdversarialLoss of(String id) {
            return parse(AdversarialLoss.class, "adversarialLoss", id);
        }
    }

    /** How the adversarial term is weighted against the distillation term. */
    public enum AdversarialWeighting {
        /** A constant weight on the loss. */
        FIXED,
        /** A weight on the gradient's size relative to the distillation term's, per iteration. */
        ADAPTIVE;

        @JsonValue
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static AdversarialWeighting of(String id) {
            return parse(AdversarialWeighting.class, "adversarialWeighting", id);
        }
    }

    /** Where a head's logits are judged: per image (the token map averaged first) or per token. */
    public enum HeadLogits {
        IMAGE, TOKEN;

        @JsonValue
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static HeadLogits of(String id) {
            return parse(HeadLogits.class, "headLogits", id);
        }
    }

    /** What the heads see as real. */
    public enum DiscriminatorData {
        /** The teacher's synthetic samples, the batch the student distills (the paper). */
        SYNTHETIC,
        /** Real images' latents (e.g. Fashion-MNIST encoded by the teacher's autoencoder), a batch of their own. */
        REAL;

        @JsonValue
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static DiscriminatorData of(String id) {
            return parse(DiscriminatorData.class, "discriminatorData", id);
        }
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String field, String id) {
        for (E value : type.getEnumConstants()) {
            if (value.name().toLowerCase(Locale.ROOT).equals(id)) {
                return value;
            }
        }
        throw new IllegalArgumentException("invalid LADD config: " + field + " must be one of "
                + java.util.Arrays.stream(type.getEnumConstants()).map(e -> "'" + e.name().toLowerCase(Locale.ROOT) + "'").toList()
                + ", got '" + id + "'");
    }

    public LaddConfig {
        studentTimesteps = List.copyOf(studentTimesteps);
        studentTimestepWeights = List.copyOf(studentTimestepWeights);
        featureBlocks = List.copyOf(featureBlocks);
        require(!studentTimesteps.isEmpty() && studentTimesteps.size() == studentTimestepWeights.size(),
                "studentTimesteps and studentTimestepWeights must be non-empty and of the same length");
        require(studentTimesteps.stream().allMatch(t -> t > 0 && t <= 1), "studentTimesteps must lie in (0, 1]");
        require(studentTimestepWeights.stream().allMatch(w -> w >= 0)
                && studentTimestepWeights.stream().mapToDouble(Double::doubleValue).sum() > 0,
                "studentTimestepWeights must be >= 0 and not all 0");
        require(renoiseStd > 0, "renoiseStd must be > 0");
        for (int i = 0; i < featureBlocks.size(); i++) {
            require(featureBlocks.get(i) >= 0 && (i == 0 || featureBlocks.get(i) > featureBlocks.get(i - 1)),
                    "featureBlocks must be ascending and >= 0");
        }
        require(headChannels >= 1, "headChannels must be >= 1");
        require(studentLearningRate > 0 && headLearningRate > 0, "learning rates must be > 0");
        require(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1, "betas must lie in [0, 1)");
        require(batchSize >= 1 && discriminatorSteps >= 1, "batchSize and discriminatorSteps must be >= 1");
        require(r1Weight >= 0 && r1Sigma > 0, "r1Weight must be >= 0 and r1Sigma > 0");
        require(emaDecay >= 0 && emaDecay < 1, "emaDecay must lie in [0, 1)");
        require(distillationWeight >= 0, "distillationWeight must be >= 0");
        require(studentNoise != null, "studentNoise must be 'fresh' or 'shard'");
        require(samplerEta >= 0 && samplerEta <= 1, "samplerEta must lie in [0, 1]");
        require(adversarialWeight >= 0 && adversarialRampIterations >= 0,
                "adversarialWeight and adversarialRampIterations must be >= 0");
        require(adversarialWeight > 0 || distillationWeight > 0,
                "adversarialWeight and distillationWeight are both 0: the student would have no loss");
        require(adversarialWeighting != null, "adversarialWeighting must be 'fixed' or 'adaptive'");
        require(adversarialWeighting != AdversarialWeighting.ADAPTIVE || distillationWeight > 0,
                "adversarialWeighting 'adaptive' scales against the distillation term: distillationWeight must be > 0");
        require(adversarialLoss != null, "adversarialLoss must be 'hinge' or 'softplus'");
        require(headLogits != null, "headLogits must be 'image' or 'token'");
        require(headNorm != null, "headNorm must be 'layer' or 'group'");
        require(headNorm != HeadNorm.GROUP || headChannels % 8 == 0, "headNorm 'group' needs headChannels divisible by 8");
        require(discriminatorData != null, "discriminatorData must be 'synthetic' or 'real'");
    }

    /** The adversarial term's weight at an iteration (0-based): {@link #adversarialWeight}, ramped in if configured. */
    public double adversarialWeightAt(long iteration) {
        return adversarialRampIterations == 0 ? adversarialWeight
                : adversarialWeight * Math.min(1.0, (iteration + 1) / (double) adversarialRampIterations);
    }

    /**
     * The paper's defaults: t ∈ {1, .75, .5, .25} with p = {.7, .1, .1, .1}, t̂ ~ LogitNormal(1, 1), hinge loss only,
     * fresh noise for the student's input and its sampler ({@link #builder()}'s defaults).
     */
    public static LaddConfig paper() {
        return builder().build();
    }

    /** A builder starting from the paper's values ({@link Builder}'s named defaults). */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this config's values. */
    public Builder toBuilder() {
        return new Builder()
                .studentTimesteps(studentTimesteps).studentTimestepWeights(studentTimestepWeights)
                .renoiseMean(renoiseMean).renoiseStd(renoiseStd)
                .featureBlocks(featureBlocks).headChannels(headChannels)
                .studentLearningRate(studentLearningRate).headLearningRate(headLearningRate)
                .beta1(beta1).beta2(beta2)
                .batchSize(batchSize).discriminatorSteps(discriminatorSteps)
                .r1Weight(r1Weight).r1Sigma(r1Sigma)
                .emaDecay(emaDecay).distillationWeight(distillationWeight)
                .studentNoise(studentNoise).samplerEta(samplerEta)
                .adversarialWeight(adversarialWeight).adversarialRampIterations(adversarialRampIterations)
                .adversarialWeighting(adversarialWeighting).adversarialLoss(adversarialLoss).sharedRenoise(sharedRenoise)
                .headLogits(headLogits).headNorm(headNorm)
                .wrongPromptFakes(wrongPromptFakes).discriminatorData(discriminatorData)
                .seed(seed);
    }

    /** A {@link LaddConfig} field by field; every field not set keeps its named default, the paper's value. */
    public static final class Builder {

        public static final List<Double> DEFAULT_STUDENT_TIMESTEPS = List.of(1.0, 0.75, 0.5, 0.25);
        public static final List<Double> DEFAULT_STUDENT_TIMESTEP_WEIGHTS = List.of(0.7, 0.1, 0.1, 0.1);
        public static final double DEFAULT_RENOISE_MEAN = 1.0;
        public static final double DEFAULT_RENOISE_STD = 1.0;
        /** Every block of the teacher. */
        public static final List<Integer> DEFAULT_FEATURE_BLOCKS = List.of();
        public static final int DEFAULT_HEAD_CHANNELS = 64;
        public static final float DEFAULT_STUDENT_LEARNING_RATE = 1e-5f;
        public static final float DEFAULT_HEAD_LEARNING_RATE = 1e-4f;
        public static final float DEFAULT_BETA1 = 0.9f;
        public static final float DEFAULT_BETA2 = 0.999f;
        public static final int DEFAULT_BATCH_SIZE = 64;
        public static final int DEFAULT_DISCRIMINATOR_STEPS = 1;
        /** Off. */
        public static final double DEFAULT_R1_WEIGHT = 0;
        public static final double DEFAULT_R1_SIGMA = 0.01;
        /** Off. */
        public static final double DEFAULT_EMA_DECAY = 0;
        /** Off: adversarial only, as the paper. */
        public static final double DEFAULT_DISTILLATION_WEIGHT = 0;
        public static final StudentNoise DEFAULT_STUDENT_NOISE = StudentNoise.FRESH;
        /** Fresh noise in every re-noising, as the paper. */
        public static final double DEFAULT_SAMPLER_ETA = 1;
        /** Full weight: the adversarial loss is the paper's objective. */
        public static final double DEFAULT_ADVERSARIAL_WEIGHT = 1;
        public static final int DEFAULT_ADVERSARIAL_RAMP_ITERATIONS = 0;
        public static final AdversarialWeighting DEFAULT_ADVERSARIAL_WEIGHTING = AdversarialWeighting.FIXED;
        public static final AdversarialLoss DEFAULT_ADVERSARIAL_LOSS = AdversarialLoss.HINGE;
        public static final boolean DEFAULT_SHARED_RENOISE = false;
        public static final HeadLogits DEFAULT_HEAD_LOGITS = HeadLogits.IMAGE;
        public static final HeadNorm DEFAULT_HEAD_NORM = HeadNorm.LAYER;
        public static final boolean DEFAULT_WRONG_PROMPT_FAKES = false;
        public static final DiscriminatorData DEFAULT_DISCRIMINATOR_DATA = DiscriminatorData.SYNTHETIC;
        public static final long DEFAULT_SEED = 0;

        private List<Double> studentTimesteps = DEFAULT_STUDENT_TIMESTEPS;
        private List<Double> studentTimestepWeights = DEFAULT_STUDENT_TIMESTEP_WEIGHTS;
        private double renoiseMean = DEFAULT_RENOISE_MEAN;
        private double renoiseStd = DEFAULT_RENOISE_STD;
        private List<Integer> featureBlocks = DEFAULT_FEATURE_BLOCKS;
        private int headChannels = DEFAULT_HEAD_CHANNELS;
        private float studentLearningRate = DEFAULT_STUDENT_LEARNING_RATE;
        private float headLearningRate = DEFAULT_HEAD_LEARNING_RATE;
        private float beta1 = DEFAULT_BETA1;
        private float beta2 = DEFAULT_BETA2;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private int discriminatorSteps = DEFAULT_DISCRIMINATOR_STEPS;
        private double r1Weight = DEFAULT_R1_WEIGHT;
        private double r1Sigma = DEFAULT_R1_SIGMA;
        private double emaDecay = DEFAULT_EMA_DECAY;
        private double distillationWeight = DEFAULT_DISTILLATION_WEIGHT;
        private StudentNoise studentNoise = DEFAULT_STUDENT_NOISE;
        private double samplerEta = DEFAULT_SAMPLER_ETA;
        private double adversarialWeight = DEFAULT_ADVERSARIAL_WEIGHT;
        private int adversarialRampIterations = DEFAULT_ADVERSARIAL_RAMP_ITERATIONS;
        private AdversarialWeighting adversarialWeighting = DEFAULT_ADVERSARIAL_WEIGHTING;
        private AdversarialLoss adversarialLoss = DEFAULT_ADVERSARIAL_LOSS;
        private boolean sharedRenoise = DEFAULT_SHARED_RENOISE;
        private HeadLogits headLogits = DEFAULT_HEAD_LOGITS;
        private HeadNorm headNorm = DEFAULT_HEAD_NORM;
        private boolean wrongPromptFakes = DEFAULT_WRONG_PROMPT_FAKES;
        private DiscriminatorData discriminatorData = DEFAULT_DISCRIMINATOR_DATA;
        private long seed = DEFAULT_SEED;

        private Builder() {
        }

        public Builder studentTimesteps(List<Double> value) {
            studentTimesteps = value;
            return this;
        }

        public Builder studentTimestepWeights(List<Double> value) {
            studentTimestepWeights = value;
            return this;
        }

        public Builder renoiseMean(double value) {
            renoiseMean = value;
            return this;
        }

        public Builder renoiseStd(double value) {
            renoiseStd = value;
            return this;
        }

        public Builder featureBlocks(List<Integer> value) {
            featureBlocks = value;
            return this;
        }

        public Builder headChannels(int value) {
            headChannels = value;
            return this;
        }

        public Builder studentLearningRate(float value) {
            studentLearningRate = value;
            return this;
        }

        public Builder headLearningRate(float value) {
            headLearningRate = value;
            return this;
        }

        public Builder beta1(float value) {
            beta1 = value;
            return this;
        }

        public Builder beta2(float value) {
            beta2 = value;
            return this;
        }

        public Builder batchSize(int value) {
            batchSize = value;
            return this;
        }

        public Builder discriminatorSteps(int value) {
            discriminatorSteps = value;
            return this;
        }

        public Builder r1Weight(double value) {
            r1Weight = value;
            return this;
        }

        public Builder r1Sigma(double value) {
            r1Sigma = value;
            return this;
        }

        public Builder emaDecay(double value) {
            emaDecay = value;
            return this;
        }

        public Builder distillationWeight(double value) {
            distillationWeight = value;
            return this;
        }

        public Builder studentNoise(StudentNoise value) {
            studentNoise = value;
            return this;
        }

        public Builder samplerEta(double value) {
            samplerEta = value;
            return this;
        }

        public Builder adversarialWeight(double value) {
            adversarialWeight = value;
            return this;
        }

        public Builder adversarialRampIterations(int value) {
            adversarialRampIterations = value;
            return this;
        }

        public Builder adversarialWeighting(AdversarialWeighting value) {
            adversarialWeighting = value;
            return this;
        }

        public Builder adversarialLoss(AdversarialLoss value) {
            adversarialLoss = value;
            return this;
        }

        public Builder sharedRenoise(boolean value) {
            sharedRenoise = value;
            return this;
        }

        public Builder headLogits(HeadLogits value) {
            headLogits = value;
            return this;
        }

        public Builder headNorm(HeadNorm value) {
            headNorm = value;
            return this;
        }

        public Builder wrongPromptFakes(boolean value) {
            wrongPromptFakes = value;
            return this;
        }

        public Builder discriminatorData(DiscriminatorData value) {
            discriminatorData = value;
            return this;
        }

        public Builder seed(long value) {
            seed = value;
            return this;
        }

        /** @throws IllegalArgumentException naming the first invalid field */
        public LaddConfig build() {
            return new LaddConfig(studentTimesteps, studentTimestepWeights, renoiseMean, renoiseStd, featureBlocks,
                    headChannels, studentLearningRate, headLearningRate, beta1, beta2, batchSize, discriminatorSteps,
                    r1Weight, r1Sigma, emaDecay, distillationWeight, studentNoise, samplerEta, adversarialWeight,
                    adversarialRampIterations, adversarialWeighting, adversarialLoss, sharedRenoise, headLogits, headNorm, wrongPromptFakes,
                    discriminatorData, seed);
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("invalid LADD config: " + message);
        }
    }
}
