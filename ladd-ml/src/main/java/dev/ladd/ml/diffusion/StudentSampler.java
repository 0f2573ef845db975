package dev.ladd.ml.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.ladd.ml.nn.FlowTransformer;
import dev.ladd.ml.text.PromptArrays;
import dev.ladd.ml.text.WordTokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The distilled student's few-step sampler (no guidance: the student is unguided). With n steps at
 * t_i = 1 − i/n (4 steps: 1, .75, .5, .25; 2 steps: 1, .5; 1 step: 1):
 * <pre>
 *   x ← ε₀
 *   for i = 0 … n−1:
 *       x̂₀ = x − t_i · v(x, t_i, prompt)           one call predicts the clean latent
 *       ε̂  = x + (1 − t_i) · v                    the noise the model sees in x (rectified flow: v = ε − x₀)
 *       ε_{i+1} = η · fresh + √(1 − η²) · ε̂          η = 1: fresh noise, as in the paper
 *       x  ← (1 − t_{i+1}) · x̂₀ + t_{i+1} · ε_{i+1}  re-noise (not for the last step)
 *   return x̂₀
 * </pre>
 * With η = 0 the re-noising keeps the predicted noise and one step is exactly an Euler step of the flow
 * (x + (t_{i+1} − t_i) · v); η = 1 (the default) is the paper's sampler. Each sample's noises come from its own
 * {@link Random}, so a sample does not depend on its batch.
 */
public final class StudentSampler implements Sampler {

    /** The paper's sampler: re-noise with fresh noise only. */
    public static final double FRESH_NOISE = 1.0;

    private final int steps;
    private final double eta;

    public StudentSampler(int steps) {
        this(steps, FRESH_NOISE);
    }

    /** @param eta share of fresh noise in each re-noising, in [0, 1] */
    public StudentSampler(int steps, double eta) {
        if (steps < 1) {
            throw new IllegalArgumentException("student steps must be >= 1, got " + steps);
        }
        if (!(eta >= 0 && eta <= 1)) {
            throw new IllegalArgumentException("the sampler's fresh-noise share eta must be in [0, 1], got " + eta);
        }
        this.steps = steps;
        this.eta = eta;
    }

    public int steps() {
        return steps;
    }

    public double eta() {
        return eta;
    }

    /** Encodes the prompts, then samples, re-noising from the generators. */
    @Override
    public NDArray sample(FlowTransformer model, WordTokenizer tokenizer, NDArray noise, List<String> prompts,
                          List<Random> generators) {
        NDArray[] text = PromptArrays.of(noise.getManager(), tokenizer, prompts);
        return sample(model, noise, text[0], text[1], generators);
    }

    /** The noise level of step i of n. */
    public static double timestep(int i, int steps) {
        return 1.0 - (double) i / steps;
    }

    /**
     * @param start   starting noise ε₀ [B, C, H, W]
     * @param ids     prompt ids [B, L]
     * @param mask    prompt mask [B, L]
     * @param renoise one generator per sample, drawn from for ε₁ … ε_{n−1}
     * @return clean latents [B, C, H, W]
     */
    public NDArray sample(FlowTransformer model, NDArray start, NDArray ids, NDArray mask, List<Random> renoise) {
        NDManager manager = start.getManager();
        ParameterStore ps = new ParameterStore(manager, false);
        NDList text = model.encodeText(ps, ids, mask, false);
        Shape batch = start.getShape();
        Shape one = new Shape(1).addAll(batch.slice(1));
        NDArray x = start;
        NDArray clean = null;
        for (int i = 0; i < steps; i++) {
            try (NDScope scope = new NDScope()) {
                double t = timestep(i, steps);
                NDArray tBatch = manager.full(new Shape(batch.get(0)), (float) t);
                NDArray v = model.velocity(ps, x, tBatch, text, mask, false);
                clean = RectifiedFlow.cleanFromVelocity(x, v, tBatch);
                if (i + 1 < steps) {
                    List<NDArray> noise = new ArrayList<>();
                    for (Random rng : renoise) {
                        noise.add(RectifiedFlow.gaussian(manager, one, rng));
                    }
                    NDArray fresh = NDArrays.concat(new NDList(noise), 0);
                    NDArray predicted = x.add(v.mul(1 - t));
                    NDArray next = fresh.mul(eta).add(predicted.mul(Math.sqrt(1 - eta * eta)));
                    NDArray tNext = manager.full(new Shape(batch.get(0)), (float) timestep(i + 1, steps));
                    x = RectifiedFlow.noised(clean, next, tNext);
                    NDScope.unregister(x);
                } else {
                    NDScope.unregister(clean);
                }
            }
        }
        return clean;
    }
}
