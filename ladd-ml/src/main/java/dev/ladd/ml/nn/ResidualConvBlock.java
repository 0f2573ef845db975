package dev.ladd.ml.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A pre-activation residual block of two 3×3 convolutions, without normalization:
 *
 * <pre>
 * x [B, C, H, W]  →  x + conv2(SiLU(conv1(SiLU(x))))  [B, C, H, W]
 * </pre>
 *
 * conv2 starts at zero ({@link #zeroInitialized()}), so the block starts as the identity.
 */
final class ResidualConvBlock extends AbstractBlock {

    private final int channels;
    private final Conv2d conv1;
    private final Conv2d conv2;

    ResidualConvBlock(int channels) {
        this.channels = channels;
        this.conv1 = addChildBlock("conv1", conv3x3(channels, 1));
        this.conv2 = addChildBlock("conv2", conv3x3(channels, 1));
    }

    /** The convolution whose weight starts at zero. */
    Block zeroInitialized() {
        return conv2;
    }

    NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        NDArray h = run(conv1, ps, Layers.silu(x), training);
        return x.add(run(conv2, ps, Layers.silu(h), training));
    }

    /** A 3×3 convolution with padding 1 and bias; stride 2 halves height and width ({@link Conv3x3}). */
    static Conv2d conv3x3(int filters, int stride) {
        return new Conv3x3(filters, stride);
    }

    /** One block's single output for a single input. */
    static NDArray run(Block block, ParameterStore ps, NDArray x, boolean training) {
        return block.forward(ps, new NDList(x), training).singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[]{inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape shape = new Shape(1, channels, inputShapes[0].get(2), inputShapes[0].get(3));
        conv1.initialize(manager, dataType, shape);
        conv2.initialize(manager, dataType, shape);
    }
}
