package dev.ladd.ml.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One LADD discriminator head: reads the image tokens after one block of the frozen teacher and gives
 * one logit per sample, conditioned on the re-noising level t̂ and the pooled prompt by FiLM.
 *
 * <pre>
 * tokens [B, N = rows·cols, D] → LayerNorm → grid [B, D, rows, cols]
 * h = LeakyReLU(conv3×3(grid))                                   [B, C, rows, cols]
 * h = h · (1 + scale(cond)) + shift(cond)                        FiLM, starts as the identity
 * h = LeakyReLU(conv3×3(h))
 * logit = mean over the grid of conv1×1(h)                       [B]
 * </pre>
 */
public final class DiscriminatorHead extends AbstractBlock {

    private static final float LEAK = 0.2f;

    private final int channels;
    private final LayerNorm norm;
    private final Conv2d conv1;
    private final Linear film;     // cond → 2C: shift, scale
    private final Conv2d conv2;
    private final Conv2d out;

    DiscriminatorHead(int channels) {
        this.channels = channels;
        this.norm = addChildBlock("norm", Layers.plainLayerNorm());
        this.conv1 = addChildBlock("conv1", ResidualConvBlock.conv3x3(channels, 1));
        this.film = addChildBlock("film", Layers.zeroLinear(2L * channels));
        this.conv2 = addChildBlock("conv2", ResidualConvBlock.conv3x3(channels, 1));
        this.out = addChildBlock("out", Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(1).optBias(true).build());
    }

    /** The FiLM projection, initialized to zero so that every head starts unconditioned. */
    Linear film() {
        return film;
    }

    /**
     * @param tokens image tokens [B, rows·cols, D] in row-major grid order
     * @param cond   conditioning [B, E]
     * @return logits [B]
     */
    public NDArray logits(ParameterStore ps, NDArray tokens, int rows, int cols, NDArray cond, boolean training) {
        Shape s = tokens.getShape();
        NDArray grid = norm.forward(ps, new NDList(tokens), training).singletonOrThrow()
                .transpose(0, 2, 1).reshape(s.get(0), s.get(2), rows, cols);                  // [B, D, rows, cols]
        NDArray h = Activation.leakyRelu(ResidualConvBlock.run(conv1, ps, grid, training), LEAK);
        NDList mod = film.forward(ps, new NDList(cond), training).singletonOrThrow().split(2, 1);
        NDArray shift = mod.get(0).expandDims(2).expandDims(3);                             // [B, C, 1, 1]
        NDArray scale = mod.get(1).expandDims(2).expandDims(3);
        h = h.add(h.mul(scale)).add(shift);
        h = Activation.leakyRelu(ResidualConvBlock.run(conv2, ps, h, training), LEAK);
        return ResidualConvBlock.run(out, ps, h, training).reshape(s.get(0), -1).mean(new int[]{1});  // [B]
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
        throw new UnsupportedOperationException("call logits(...): a head needs the token grid's rows and columns");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[]{new Shape(inputShapes[0].get(0))};
    }

    /** inputShapes: tokens [1, N, D], cond [1, E]. */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long width = inputShapes[0].get(2);
        norm.initialize(manager, dataType, inputShapes[0]);
        conv1.initialize(manager, dataType, new Shape(1, width, 2, 2));
        film.initialize(manager, dataType, inputShapes[1]);
        conv2.initialize(manager, dataType, new Shape(1, channels, 2, 2));
        out.initialize(manager, dataType, new Shape(1, channels, 2, 2));
    }
}
