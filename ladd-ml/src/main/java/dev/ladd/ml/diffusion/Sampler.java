package dev.ladd.ml.diffusion;

import ai.djl.ndarray.NDArray;
import dev.ladd.ml.nn.FlowTransformer;
import dev.ladd.ml.text.WordTokenizer;

import java.util.List;
import java.util.Random;

/**
 * Turns starting noise into clean latents with a velocity model — what diffusers calls a scheduler's sampling
 * loop: {@link EulerSampler} (the teacher's: Euler steps with classifier-free guidance) and {@link StudentSampler}
 * (the distilled student's few steps with re-noising share η). A sampler holds only its settings; the model,
 * the prompts and the noise come with each call, so one sampler serves any model of the same latent space.
 */
public interface Sampler {

    /**
     * @param model      the velocity model (frozen or not; run without gradients)
     * @param tokenizer  the model's vocabulary
     * @param noise      starting latents [B, C, H, W]; its manager receives every array of the call
     * @param prompts    B prompts
     * @param generators one generator per sample, already drawn from for its starting noise; a sampler that
     *                   re-noises keeps drawing from it, so a sample depends only on its own prompt and seed
     * @return clean latents [B, C, H, W]
     */
    NDArray sample(FlowTransformer model, WordTokenizer tokenizer, NDArray noise, List<String> prompts,
                   List<Random> generators);
}
