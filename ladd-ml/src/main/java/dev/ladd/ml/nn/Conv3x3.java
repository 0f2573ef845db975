package dev.ladd.ml.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The networks' 3×3 convolution (padding 1, bias; stride 2 halves height and width): DJL's {@link Conv2d} — the same
 * parameters, names, shapes and initialization — computed so that libtorch never asks oneDNN for the input gradient
 * of a 3×3 convolution whose output channels are not a multiple of 16:
 *
 * <pre>
 *   while gradients are recorded and C_out mod 16 ≠ 0:
 *     y = conv3×3(x, [w ; 0], [b ; 0])[:, :C_out]        w, b padded with zero filters to ⌈C_out / 16⌉·16
 *   else
 *     y = conv3×3(x, w, b)
 * </pre>
 *
 * The padded filters are constants, so y and every gradient are exactly those of the plain convolution; only which
 * oneDNN kernel computes them changes. Why: libtorch 2.7.1's oneDNN computes that input gradient wrong — run to run
 * differently, sometimes NaN — with its AVX2/AVX-512 kernels on some CPUs (docs/adr/013-onednn-conv-gradients.md).
 */
public final class Conv3x3 extends Conv2d {

    /** oneDNN's channel block in its AVX2/AVX-512 layouts. */
    static final int CHANNEL_BLOCK = 16;

    Conv3x3(int filters, int stride) {
        super(Conv2d.builder()
                .setKernelShape(new Shape(3, 3))
                .setFilters(filters)
                .optPadding(new Shape(1, 1))
                .optStride(new Shape(stride, stride))
                .optBias(true));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray w = ps.getValue(weight, x.getDevice(), training);
        NDArray b = ps.getValue(bias, x.getDevice(), training);
        return new NDList(apply(x, w, b, (int) stride.get(0)));
    }

    /** conv3×3(x, w) + b with padding 1: x [B, C_in, H, W], w [C_out, C_in, 3, 3], b [C_out]. */
    public static NDArray apply(NDArray x, NDArray w, NDArray b, int stride) {
        long filters = w.getShape().get(0);
        long padding = Math.floorMod(-filters, CHANNEL_BLOCK);
        Shape strides = new Shape(stride, stride);
        Shape pad = new Shape(1, 1);
        Shape dilation = new Shape(1, 1);
        if (padding == 0 || !JniUtils.isGradMode()) {
            return Conv2d.conv2d(x, w, b, strides, pad, dilation).singletonOrThrow();
        }
        // the padded copies belong to this step (x's manager), not to the parameters' manager
        NDManager step = x.getManager();
        NDArray wPadded = w.concat(step.zeros(new Shape(padding).addAll(w.getShape().slice(1)), w.getDataType()), 0);
        NDArray bPadded = b.concat(step.zeros(new Shape(padding), b.getDataType()), 0);
        wPadded.attach(step);
        bPadded.attach(step);
        return Conv2d.conv2d(x, wPadded, bPadded, strides, pad, dilation).singletonOrThrow()
                .get(new NDIndex(":, 0:" + filters));
    }
}
