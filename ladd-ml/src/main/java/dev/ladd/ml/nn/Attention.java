package dev.ladd.ml.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.ladd.ml.djl.Scalars;

/**
 * Multi-head attention of tokens x over themselves and, when built with a context, jointly over context
 * tokens too (the keys and values are [x ; context]). A padding mask hides padded tokens.
 *
 * <pre>
 * x [B, N, D], context [B, L, D], contextMask [B, L] (1 = real token, 0 = padding)  →  [B, N, D]
 * </pre>
 */
final class Attention extends AbstractBlock {

    private final int width;
    private final int heads;
    private final boolean withContext;
    private final Linear qkv;
    private final Linear contextKv;
    private final Linear out;

    Attention(int width, int heads, boolean withContext) {
        if (width % heads != 0) {
            throw new IllegalArgumentException("width " + width + " is not divisible by " + heads + " heads");
        }
        this.width = width;
        this.heads = heads;
        this.withContext = withContext;
        this.qkv = addChildBlock("qkv", Layers.linear(3L * width));
        this.contextKv = withContext ? addChildBlock("context_kv", Layers.linear(2L * width)) : null;
        this.out = addChildBlock("out", Layers.linear(width));
    }

    /** Attention of x over itself and over the context tokens (joint attention); padded context is hidden. */
    NDArray attend(ParameterStore ps, NDArray x, NDArray context, NDArray contextMask, boolean training) {
        long batch = x.getShape().get(0);
        long tokens = x.getShape().get(1);
        NDList qkvSplit = qkv.forward(ps, new NDList(x), training).singletonOrThrow().split(3, 2); // 3 × [B, N, D]
        NDArray k = heads(qkvSplit.get(1));                                                        // [B, h, N, dh]
        NDArray v = heads(qkvSplit.get(2));
        NDList kv = contextKv.forward(ps, new NDList(context), training).singletonOrThrow().split(2, 2);
        k = k.concat(heads(kv.get(0)), 2);                                                         // [B, h, N+L, dh]
        v = v.concat(heads(kv.get(1)), 2);
        NDArray selfMask = x.getManager().ones(new Shape(batch, tokens), contextMask.getDataType());
        NDArray keyMask = selfMask.concat(contextMask, 1).reshape(batch, 1, 1, -1);                // [B, 1, 1, N+L]
        return out.forward(ps, new NDList(mix(heads(qkvSplit.get(0)), k, v, keyMask, batch, tokens)), training)
                .singletonOrThrow();
    }

    /** Attention of x over itself; keyMask [B, 1, 1, N] hides padded tokens (null: none). */
    NDArray attendSelf(ParameterStore ps, NDArray x, NDArray keyMask, boolean training) {
        long batch = x.getShape().get(0);
        long tokens = x.getShape().get(1);
        NDList qkvSplit = qkv.forward(ps, new NDList(x), training).singletonOrThrow().split(3, 2);
        NDArray mixed = mix(heads(qkvSplit.get(0)), heads(qkvSplit.get(1)), heads(qkvSplit.get(2)), keyMask, batch, tokens);
        return out.forward(ps, new NDList(mixed), training).singletonOrThrow();
    }

    /** softmax(q kᵀ / √dh + mask) v, with masked keys at -1e9; back to [B, N, D]. */
    private NDArray mix(NDArray q, NDArray k, NDArray v, NDArray keyMask, long batch, long tokens) {
        NDArray scores = Scalars.div(q.matMul(k.transpose(0, 1, 3, 2)), Math.sqrt((double) width / heads)); // [B, h, N, T]
        if (keyMask != null) {
            scores = scores.add(Scalars.mul(keyMask.sub(Scalars.scalar(keyMask, 1.0)), 1e9));
        }
        return scores.softmax(-1).matMul(v)                                                        // [B, h, N, dh]
                .transpose(0, 2, 1, 3).reshape(batch, tokens, width);                              // [B, N, D]
    }

    /** [B, T, D] → [B, h, T, dh]. */
    private NDArray heads(NDArray x) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), heads, width / heads).transpose(0, 2, 1, 3);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(withContext
                ? attend(ps, inputs.get(0), inputs.get(1), inputs.get(2), training)
                : attendSelf(ps, inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[]{inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape tokens = new Shape(1, 1, width);
        qkv.initialize(manager, dataType, tokens);
        if (withContext) {
            contextKv.initialize(manager, dataType, tokens);
        }
        out.initialize(manager, dataType, tokens);
    }
}
