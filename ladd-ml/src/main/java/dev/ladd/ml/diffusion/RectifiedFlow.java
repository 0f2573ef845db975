package dev.ladd.ml.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Random;

/**
 * Rectified flow (flow matching on straight paths, as SD3):
 * <pre>
 *   x_t = (1 − t) · x₀ + t · ε          t ∈ [0, 1], t = 1 is pure noise
 *   v   = ε − x₀                        the velocity the network learns
 *   x̂₀ = x_t − t · v̂                   the clean latent a velocity prediction implies
 * </pre>
 * Training samples t from a logit-normal law; samplers may shift the timesteps toward noise.
 */
public final class RectifiedFlow {

    private RectifiedFlow() {
    }

    /** x_t for x₀ [B, …], noise ε like x₀, t [B]. */
    public static NDArray noised(NDArray x0, NDArray noise, NDArray t) {
        NDArray tb = broadcastable(t, x0);
        return x0.sub(x0.mul(tb)).add(noise.mul(tb));
    }

    /** The velocity target v = ε − x₀. */
    public static NDArray velocityTarget(NDArray x0, NDArray noise) {
        return noise.sub(x0);
    }

    /** x̂₀ = x_t − t · v̂. */
    public static NDArray cleanFromVelocity(NDArray xt, NDArray velocity, NDArray t) {
        return xt.sub(velocity.mul(broadcastable(t, xt)));
    }

    /** The flow-matching loss: mean squared error between predicted and target velocity. */
    public static NDArray loss(NDArray predicted, NDArray target) {
        NDArray diff = predicted.sub(target);
        return diff.mul(diff).mean();
    }

    /** t = σ(m + s · z), z ~ N(0, 1): the logit-normal law LogitNormal(m, s). Returns [batch]. */
    public static NDArray logitNormal(NDManager manager, int batch, double mean, double std, Random rng) {
        float[] t = new float[batch];
        for (int i = 0; i < batch; i++) {
            t[i] = (float) (1.0 / (1.0 + Math.exp(-(mean + std * rng.nextGaussian()))));
        }
        return manager.create(t);
    }

    /** SD3's timestep shift: t' = s·t / (1 + (s − 1)·t); s &gt; 1 spends more steps at high noise. */
    public static double shift(double t, double s) {
        return s * t / (1 + (s - 1) * t);
    }

    /** Standard normal noise of the given shape, reproducible from a seed on any engine or device. */
    public static NDArray gaussian(NDManager manager, Shape shape, Random rng) {
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) rng.nextGaussian();
        }
        return manager.create(values, shape);
    }

    /** t [B] → [B, 1, 1, …] matching like's rank. */
    private static NDArray broadcastable(NDArray t, NDArray like) {
        long[] dims = new long[like.getShape().dimension()];
        java.util.Arrays.fill(dims, 1);
        dims[0] = like.getShape().get(0);
        return t.reshape(new Shape(dims));
    }
}
