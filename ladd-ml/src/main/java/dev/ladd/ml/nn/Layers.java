package dev.ladd.ml.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.initializer.Initializer;
import ai.djl.nn.Parameter;

/** Small building blocks and functions shared by the networks. Shapes: B batch, N tokens, D width. */
final class Layers {

    private Layers() {
    }

    static Linear linear(long units) {
        return Linear.builder().setUnits(units).optBias(true).build();
    }

    /** A linear layer that starts at exactly zero (adaLN-Zero modulations, output heads). */
    static Linear zeroLinear(long units) {
        Linear linear = linear(units);
        linear.setInitializer(Initializer.ZEROS, Parameter.Type.WEIGHT);
        linear.setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
        return linear;
    }

    /** LayerNorm over the last axis of [B, N, D], with a learned scale and shift. */
    static LayerNorm layerNorm() {
        return LayerNorm.builder().axis(2).build();
    }

    /** LayerNorm over the last axis of [B, N, D] without parameters (adaLN supplies scale and shift). */
    static LayerNorm plainLayerNorm() {
        return LayerNorm.builder().axis(2).optCenter(false).optScale(false).optEpsilon(1e-6f).build();
    }

    /** SiLU(x) = x · σ(x), written without Number arguments (see {@code Scalars}). */
    static NDArray silu(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }

    static NDArray gelu(NDArray x) {
        return Activation.gelu(x);
    }

    /** adaLN: x · (1 + scale) + shift, with scale and shift [B, D] broadcast over tokens of x [B, N, D]. */
    static NDArray modulate(NDArray x, NDArray shift, NDArray scale) {
        return x.add(x.mul(scale.expandDims(1))).add(shift.expandDims(1));
    }
}
