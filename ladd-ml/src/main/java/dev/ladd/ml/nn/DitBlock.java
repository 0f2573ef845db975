package dev.ladd.ml.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One DiT block with adaLN-Zero conditioning (Peebles &amp; Xie 2023): the conditioning vector c gives
 * per-block shift, scale and gate for the attention and the MLP branch; the gates start at zero, so
 * every block starts as the identity. Image tokens attend jointly over themselves and the text tokens.
 *
 * <pre>
 * x [B, N, D], c [B, D], text [B, L, D], textMask [B, L]  →  [B, N, D]
 * </pre>
 */
final class DitBlock extends AbstractBlock {

    private final int width;
    private final int hidden;
    private final Linear modulation;   // c → 6D: shift1, scale1, gate1, shift2, scale2, gate2
    private final LayerNorm norm1;
    private final Attention attention;
    private final LayerNorm norm2;
    private final Linear mlpIn;
    private final Linear mlpOut;

    DitBlock(int width, int heads, int mlpRatio) {
        this.width = width;
        this.hidden = mlpRatio * width;
        this.modulation = addChildBlock("modulation", Layers.zeroLinear(6L * width));
        this.norm1 = addChildBlock("norm1", Layers.plainLayerNorm());
        this.attention = addChildBlock("attention", new Attention(width, heads, true));
        this.norm2 = addChildBlock("norm2", Layers.plainLayerNorm());
        this.mlpIn = addChildBlock("mlp_in", Layers.linear(hidden));
        this.mlpOut = addChildBlock("mlp_out", Layers.linear(width));
    }

    NDArray apply(ParameterStore ps, NDArray x, NDArray c, NDArray text, NDArray textMask, boolean training) {
        NDList mod = modulation.forward(ps, new NDList(Layers.silu(c)), training).singletonOrThrow().split(6, 1);
        NDArray shift1 = mod.get(0), scale1 = mod.get(1), gate1 = mod.get(2);
        NDArray shift2 = mod.get(3), scale2 = mod.get(4), gate2 = mod.get(5);

        NDArray h = Layers.modulate(norm1.forward(ps, new NDList(x), training).singletonOrThrow(), shift1, scale1);
        x = x.add(gate1.expandDims(1).mul(attention.attend(ps, h, text, textMask, training)));

        h = Layers.modulate(norm2.forward(ps, new NDList(x), training).singletonOrThrow(), shift2, scale2);
        h = mlpOut.forward(ps, new NDList(Layers.gelu(mlpIn.forward(ps, new NDList(h), training).singletonOrThrow())),
                training).singletonOrThrow();
        return x.add(gate2.expandDims(1).mul(h));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
        return new NDList(apply(ps, in.get(0), in.get(1), in.get(2), in.get(3), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[]{inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape tokens = new Shape(1, 1, width);
        modulation.initialize(manager, dataType, new Shape(1, width));
        norm1.initialize(manager, dataType, tokens);
        attention.initialize(manager, dataType, tokens, tokens, new Shape(1, 1));
        norm2.initialize(manager, dataType, tokens);
        mlpIn.initialize(manager, dataType, tokens);
        mlpOut.initialize(manager, dataType, new Shape(1, 1, hidden));
    }
}
