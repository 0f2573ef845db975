package dev.ladd.ml.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.ladd.ml.data.Prompts;
import dev.ladd.ml.djl.Scalars;
import dev.ladd.ml.nn.FlowTransformer;
import dev.ladd.ml.text.PromptArrays;
import dev.ladd.ml.text.WordTokenizer;
import java.util.Random;
import java.util.List;
import java.util.Collections;

/**
 * The teacher's sampler: Euler steps along the predicted velocity from t = 1 (noise) to t = 0, with
 * an optional timestep shift and classifier-free guidance:
 * <pre>
 *   v = v(x, t, ∅) + w · (v(x, t, prompt) − v(x, t, ∅))        (w = 1: no guidance)
 *   x ← x + (t_next − t) · v
 * </pre>
 * The conditional and unconditional passes run as one batch. Deterministic: the result depends only
 * on the weights, the prompts and the starting noise.
 */
public final class EulerSampler implements Sampler {

    private final int steps;
    private final double guidanceScale;
    private final double shift;

    /**
     * @param steps         Euler steps (≥ 1)
     * @param guidanceScale CFG scale w; 1 disables guidance (one pass per step)
     * @param shift         timestep shift s (1 = none)
     */
    public EulerSampler(int steps, double guidanceScale, double shift) {
        if (steps < 1 || guidanceScale < 0 || shift <= 0) {
            throw new IllegalArgumentException("steps must be >= 1, guidance >= 0, shift > 0; got "
                    + steps + ", " + guidanceScale + ", " + shift);
        }
        this.steps = steps;
        this.guidanceScale = guidanceScale;
        this.shift = shift;
    }

    public int steps() {
        return steps;
    }

    public double guidanceScale() {
        return guidanceScale;
    }

    public double shift() {
        return shift;
    }

    /** Encodes the prompts and the empty (unconditional) prompt, then samples; the generators are not drawn from. */
    @Override
    public NDArray sample(FlowTransformer model, WordTokenizer tokenizer, NDArray noise, List<String> prompts,
                          List<Random> generators) {
        NDManager chunk = noise.getManager();
        NDArray[] text = PromptArrays.of(chunk, tokenizer, prompts);
        NDArray[] empty = PromptArrays.of(chunk, tokenizer, Collections.nCopies(prompts.size(), Prompts.UNCONDITIONAL));
        return sample(model, noise, text[0], text[1], empty[0], empty[1]);
    }

    /**
     * @param noise          starting latents [B, C, H, W] (see {@link RectifiedFlow#gaussian})
     * @param ids            prompt token ids [B, L]
     * @param mask           prompt mask [B, L]
     * @param emptyIds       the unconditional (empty) prompt's ids [B, L]; unused without guidance
     * @param emptyMask      its mask [B, L]
     * @return clean latents [B, C, H, W]
     */
    public NDArray sample(FlowTransformer model, NDArray noise, NDArray ids, NDArray mask, NDArray emptyIds,
                          NDArray emptyMask) {
        NDManager manager = noise.getManager();
        ParameterStore ps = new ParameterStore(manager, false);
        boolean guided = guidanceScale != 1.0;
        long batch = noise.getShape().get(0);
        NDArray allMask = guided ? mask.concat(emptyMask, 0) : mask;
        NDList text = model.encodeText(ps, guided ? ids.concat(emptyIds, 0) : ids, allMask, false);

        NDArray x = noise;
        for (int i = 0; i < steps; i++) {
            // every array of this step but the next x is freed when the step ends: a 50-step sample keeps
            // one step's activations in memory, not fifty
            try (NDScope scope = new NDScope()) {
                double t = RectifiedFlow.shift(1.0 - (double) i / steps, shift);
                double tNext = RectifiedFlow.shift(1.0 - (double) (i + 1) / steps, shift);
                NDArray input = guided ? x.concat(x, 0) : x;
                NDArray tBatch = manager.full(new Shape(input.getShape().get(0)), (float) t);
                NDArray v = model.velocity(ps, input, tBatch, text, allMask, false);
                if (guided) {
                    NDList halves = v.split(new long[]{batch}, 0);
                    NDArray conditional = halves.get(0);
                    NDArray unconditional = halves.get(1);
                    v = unconditional.add(Scalars.mul(conditional.sub(unconditional), guidanceScale));
                }
                x = x.add(Scalars.mul(v, tNext - t));
                NDScope.unregister(x);
            }
        }
        return x;
    }
}
