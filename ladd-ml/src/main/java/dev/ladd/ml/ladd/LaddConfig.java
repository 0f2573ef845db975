package dev.ladd.ml.ladd;

import java.util.List;

/**
 * Every choice of a LADD run. {@link #paper()} gives the paper's values (Sauer et al. 2024) where it
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
 * @param studentNoise           {@code fresh}: the student's input noise is new noise (the paper);
 *                               {@code shard}: the noise that made each synthetic sample (its seed), so
 *                               at t = 1 the student sees exactly the teacher's starting point
 * @param samplerEta             share of fresh noise in each re-noising of the student's few-step sampler
 *                               (DDIM's η; {@link dev.ladd.ml.diffusion.StudentSampler}): 1 = fresh noise (the
 *                               paper), 0 = the noise the student predicts (Euler steps of its flow). Recorded in
 *                               the student's manifest, so every service samples the student the same way
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
        String studentNoise,
        double samplerEta,
        long seed) {

    public static final String FRESH_NOISE = "fresh";
    public static final String SHARD_NOISE = "shard";

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
        require(FRESH_NOISE.equals(studentNoise) || SHARD_NOISE.equals(studentNoise),
                "studentNoise must be 'fresh' or 'shard'");
        require(samplerEta >= 0 && samplerEta <= 1, "samplerEta must lie in [0, 1]");
    }

    /**
     * The paper's defaults: t ∈ {1, .75, .5, .25} with p = {.7, .1, .1, .1}, t̂ ~ LogitNormal(1, 1), hinge loss only,
     * fresh noise for the student's input and its sampler.
     */
    public static LaddConfig paper() {
        return new LaddConfig(List.of(1.0, 0.75, 0.5, 0.25), List.of(0.7, 0.1, 0.1, 0.1), 1.0, 1.0, List.of(), 64,
                1e-5f, 1e-4f, 0.9f, 0.999f, 64, 1, 0, 0.01, 0, 0, FRESH_NOISE, 1, 0);
    }

    public LaddConfig withBatchSize(int value) {
        return new LaddConfig(studentTimesteps, studentTimestepWeights, renoiseMean, renoiseStd, featureBlocks,
                headChannels, studentLearningRate, headLearningRate, beta1, beta2, value, discriminatorSteps, r1Weight,
                r1Sigma, emaDecay, distillationWeight, studentNoise, samplerEta, seed);
    }

    public LaddConfig withSeed(long value) {
        return new LaddConfig(studentTimesteps, studentTimestepWeights, renoiseMean, renoiseStd, featureBlocks,
                headChannels, studentLearningRate, headLearningRate, beta1, beta2, batchSize, discriminatorSteps, r1Weight,
                r1Sigma, emaDecay, distillationWeight, studentNoise, samplerEta, value);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("invalid LADD config: " + message);
        }
    }
}
