package dev.ladd.ml.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

import java.util.ArrayList;
import java.util.List;

/**
 * A small transformer text encoder, trained with the teacher. Token ids become embeddings (one-hot
 * times an embedding table, so it is plain differentiable algebra), plus learned positions, then
 * pre-norm transformer blocks with a padding mask, then a final LayerNorm.
 *
 * <pre>
 * ids [B, L] (token ids as float), mask [B, L] (1 = token, 0 = padding)
 *   → tokens [B, L, D], pooled [B, D] (mean over real tokens)
 * </pre>
 */
public final class TextEncoder extends AbstractBlock {

    private final TextEncoderConfig config;
    private final Parameter tokenTable;     // [V, D]
    private final Parameter positions;      // [L, D]
    private final List<LayerNorm> attentionNorms = new ArrayList<>();
    private final List<Attention> attentions = new ArrayList<>();
    private final List<LayerNorm> mlpNorms = new ArrayList<>();
    private final List<Linear> mlpIns = new ArrayList<>();
    private final List<Linear> mlpOuts = new ArrayList<>();
    private final LayerNorm finalNorm;

    public TextEncoder(TextEncoderConfig config) {
        this.config = config;
        int d = config.width();
        this.tokenTable = addParameter(Parameter.builder().setName("token_table").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(config.vocabularySize(), d)).optInitializer(new NormalInitializer(0.02f)).build());
        this.positions = addParameter(Parameter.builder().setName("positions").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(config.maxLength(), d)).optInitializer(new NormalInitializer(0.02f)).build());
        for (int i = 0; i < config.depth(); i++) {
            attentionNorms.add(addChildBlock("block" + i + "_norm1", Layers.layerNorm()));
            attentions.add(addChildBlock("block" + i + "_attention", new Attention(d, config.heads(), false)));
            mlpNorms.add(addChildBlock("block" + i + "_norm2", Layers.layerNorm()));
            mlpIns.add(addChildBlock("block" + i + "_mlp_in", Layers.linear(4L * d)));
            mlpOuts.add(addChildBlock("block" + i + "_mlp_out", Layers.linear(d)));
        }
        this.finalNorm = addChildBlock("final_norm", Layers.layerNorm());
    }

    public TextEncoderConfig config() {
        return config;
    }

    /** Returns {tokens [B, L, D], pooled [B, D]}. */
    public NDList encode(ParameterStore ps, NDArray ids, NDArray mask, boolean training) {
        NDArray table = ps.getValue(tokenTable, ids.getDevice(), training);
        NDArray pos = ps.getValue(positions, ids.getDevice(), training);
        NDArray x = ids.toType(DataType.INT32, false).oneHot(config.vocabularySize())
                .toType(table.getDataType(), false).matMul(table)                       // [B, L, D]
                .add(pos.expandDims(0));
        NDArray keyMask = mask.reshape(mask.getShape().get(0), 1, 1, -1);
        for (int i = 0; i < config.depth(); i++) {
            NDArray h = attentionNorms.get(i).forward(ps, new NDList(x), training).singletonOrThrow();
            x = x.add(attentions.get(i).attendSelf(ps, h, keyMask, training));
            h = mlpNorms.get(i).forward(ps, new NDList(x), training).singletonOrThrow();
            h = mlpIns.get(i).forward(ps, new NDList(h), training).singletonOrThrow();
            x = x.add(mlpOuts.get(i).forward(ps, new NDList(Layers.gelu(h)), training).singletonOrThrow());
        }
        NDArray tokens = finalNorm.forward(ps, new NDList(x), training).singletonOrThrow();
        NDArray weights = mask.expandDims(2);                                           // [B, L, 1]
        NDArray pooled = tokens.mul(weights).sum(new int[]{1}).div(weights.sum(new int[]{1}));
        return new NDList(tokens, pooled);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return encode(ps, inputs.get(0), inputs.get(1), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long batch = inputShapes[0].get(0);
        return new Shape[]{new Shape(batch, config.maxLength(), config.width()), new Shape(batch, config.width())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape tokens = new Shape(1, 1, config.width());
        for (int i = 0; i < config.depth(); i++) {
            attentionNorms.get(i).initialize(manager, dataType, tokens);
            attentions.get(i).initialize(manager, dataType, tokens);
            mlpNorms.get(i).initialize(manager, dataType, tokens);
            mlpIns.get(i).initialize(manager, dataType, tokens);
            mlpOuts.get(i).initialize(manager, dataType, new Shape(1, 1, 4L * config.width()));
        }
        finalNorm.initialize(manager, dataType, tokens);
    }
}
