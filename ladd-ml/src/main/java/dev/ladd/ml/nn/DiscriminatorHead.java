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
import dev.ladd.ml.djl.Scalars;

/**
 * One LADD discriminator head: reads the image tokens after one block of the frozen teacher and gives
 * one logit per sample, conditioned on the re-noising level t̂ and the pooled prompt by FiLM.
 *
 * <pre>
 * tokens [B, N = rows·cols, D] → LayerNorm → grid [B, D, rows, cols]
 * h = LeakyReLU(norm(conv3×3(grid)))                             [B, C, rows, cols]
 * h = h · (1 + scale(cond)) + shift(cond)                        FiLM, starts as the identity
 * h = LeakyReLU(norm(conv3×3(h)))
 * logits = conv1×1(h)                                            [B, rows·cols]: one per token
 * </pre>
 * norm is the identity ({@link HeadNorm#LAYER}) or a GroupNorm without affine ({@link HeadNorm#GROUP}).
 */
public final class DiscriminatorHead extends AbstractBlock {

    private static final float LEAK = 0.2f;

    private static final int GROUPS = 8;

    private final int channels;
    private final HeadNorm headNorm;
    private final LayerNorm norm;
    private final Conv2d conv1;
    private final Linear film;     // cond → 2C: shift, scale
    private final Conv2d conv2;
    private final Conv2d out;

    DiscriminatorHead(int channels, HeadNorm headNorm) {
        if (headNorm == HeadNorm.GROUP && channels % GROUPS != 0) {
            throw new IllegalArgumentException("headNorm 'group' needs headChannels divisible by " + GROUPS + ", got " + channels);
        }
        this.channels = channels;
        this.headNorm = headNorm;
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
     * @return logits [B, rows·cols]
     */
    public NDArray logits(ParameterStore ps, NDArray tokens, int rows, int cols, NDArray cond, boolean training) {
        Shape s = tokens.getShape();
        NDArray grid = norm.forward(ps, new NDList(tokens), training).singletonOrThrow()
                .transpose(0, 2, 1).reshape(s.get(0), s.get(2), rows, cols);                  // [B, D, rows, cols]
        NDArray h = Activation.leakyRelu(normalized(ResidualConvBlock.run(conv1, ps, grid, training)), LEAK);
        NDList mod = film.forward(ps, new NDList(cond), training).singletonOrThrow().split(2, 1);
        NDArray shift = mod.get(0).expandDims(2).expandDims(3);                             // [B, C, 1, 1]
        NDArray scale = mod.get(1).expandDims(2).expandDims(3);
        h = h.add(h.mul(scale)).add(shift);
        h = Activation.leakyRelu(normalized(ResidualConvBlock.run(conv2, ps, h, training)), LEAK);
        return ResidualConvBlock.run(out, ps, h, training).reshape(s.get(0), -1);                // [B, rows·cols]
    }

    /** GroupNorm without affine over [B, C, H, W] (8 groups), or h itself under {@link HeadNorm#LAYER}. */
    private NDArray normalized(NDArray h) {
        if (headNorm == HeadNorm.LAYER) {
            return h;
        }
        Shape s = h.getShape();
        NDArray g = h.reshape(s.get(0), GROUPS, -1);
        NDArray mean = g.mean(new int[]{2}, true);
        NDArray centred = g.sub(mean);
        NDArray variance = centred.mul(centred).mean(new int[]{2}, true);
        return centred.div(variance.add(Scalars.scalar(variance, 1e-5)).sqrt()).reshape(s);
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
