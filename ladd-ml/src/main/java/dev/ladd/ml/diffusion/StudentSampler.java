package dev.ladd.ml.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.ladd.ml.nn.FlowTransformer;

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
 *       x  ← (1 − t_{i+1}) · x̂₀ + t_{i+1} · ε_{i+1}  re-noise with fresh noise (not for the last step)
 *   return x̂₀
 * </pre>
 * Each sample's noises come from its own {@link Random}, so a sample does not depend on its batch.
 */
public final class StudentSampler {

    private final int steps;

    public StudentSampler(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("student steps must be >= 1, got " + steps);
        }
        this.steps = steps;
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
                clean = RectifiedFlow.cleanFromVelocity(x, model.velocity(ps, x, tBatch, text, mask, false), tBatch);
                if (i + 1 < steps) {
                    List<NDArray> noise = new ArrayList<>();
                    for (Random rng : renoise) {
                        noise.add(RectifiedFlow.gaussian(manager, one, rng));
                    }
                    NDArray tNext = manager.full(new Shape(batch.get(0)), (float) timestep(i + 1, steps));
                    x = RectifiedFlow.noised(clean, NDArrays.concat(new NDList(noise), 0), tNext);
                    NDScope.unregister(x);
                } else {
                    NDScope.unregister(clean);
                }
            }
        }
        return clean;
    }
}
