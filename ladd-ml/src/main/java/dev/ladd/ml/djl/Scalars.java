package dev.ladd.ml.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Multiplying an NDArray by a Java number, safely.
 *
 * <p>DJL's {@code NDArray.mul(Number)} / {@code div(Number)} wrap the number in a temporary tensor over
 * a Java buffer that DJL frees at once while autograd keeps a reference for the backward pass: if the
 * garbage collector runs in between, backward reads freed memory and the gradients are silently wrong
 * (see docs/adr/005-djl-scalar-multiplication.md and {@code ScalarsGradientTest}). Every scalar
 * multiplication in model and loss code goes through here instead: the scalar is a 0-d tensor that
 * PyTorch owns, created in the operand's manager.
 */
public final class Scalars {

    private Scalars() {
    }

    /** {@code x * v}, safe under autograd. */
    public static NDArray mul(NDArray x, double v) {
        return x.mul(scalar(x, v));
    }

    /** {@code x / v}, safe under autograd. */
    public static NDArray div(NDArray x, double v) {
        return x.mul(scalar(x, 1.0 / v));
    }

    /** {@code v - x}, safe under autograd. */
    public static NDArray rsub(double v, NDArray x) {
        return scalar(x, v).sub(x);
    }

    /** A 0-d tensor of {@code x}'s data type holding {@code v}, owned by {@code x}'s manager. */
    public static NDArray scalar(NDArray x, double v) {
        return x.getManager().full(new Shape(), (float) v, x.getDataType());
    }
}
