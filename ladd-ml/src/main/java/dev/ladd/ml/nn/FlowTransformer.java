package dev.ladd.ml.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.util.List;

/**
 * The whole text-to-latent flow model — the teacher, and the student that starts as its copy:
 * prompt tokens → {@link TextEncoder} → {@link Denoiser} → velocity.
 *
 * <pre>
 * x_t [B, C, H, W], t [B], ids [B, L], mask [B, L]  →  v [B, C, H, W]
 * </pre>
 */
public final class FlowTransformer extends AbstractBlock {

    private final FlowTransformerConfig config;
    private final TextEncoder textEncoder;
    private final Denoiser denoiser;

    public FlowTransformer(FlowTransformerConfig config) {
        this.config = config;
        this.textEncoder = addChildBlock("text", new TextEncoder(config.text()));
        this.denoiser = addChildBlock("denoiser", new Denoiser(config.denoiser()));
    }

    public FlowTransformerConfig config() {
        return config;
    }

    /** Encoded prompts: {tokens [B, L, D], pooled [B, D]}. */
    public NDList encodeText(ParameterStore ps, NDArray ids, NDArray mask, boolean training) {
        return textEncoder.encode(ps, ids, mask, training);
    }

    /** The velocity for prompts already encoded by {@link #encodeText} (samplers encode once per batch). */
    public NDArray velocity(ParameterStore ps, NDArray x, NDArray t, NDList text, NDArray mask, boolean training) {
        return denoiser.velocity(ps, x, t, text.get(0), mask, text.get(1), training);
    }

    public NDArray velocity(ParameterStore ps, NDArray x, NDArray t, NDArray ids, NDArray mask, boolean training) {
        return velocity(ps, x, t, encodeText(ps, ids, mask, training), mask, training);
    }

    /** Image-token features after the given denoiser blocks (see {@link Denoiser#features}). */
    public List<NDArray> features(ParameterStore ps, NDArray x, NDArray t, NDList text, NDArray mask, int[] blocks,
                                  boolean training) {
        return denoiser.features(ps, x, t, text.get(0), mask, text.get(1), blocks, training);
    }

    public Denoiser denoiser() {
        return denoiser;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
        return new NDList(velocity(ps, in.get(0), in.get(1), in.get(2), in.get(3), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[]{inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        int length = config.text().maxLength();
        textEncoder.initialize(manager, dataType, new Shape(1, length), new Shape(1, length));
        DenoiserConfig d = config.denoiser();
        denoiser.initialize(manager, dataType, new Shape(1, d.latentChannels(), d.latentHeight(), d.latentWidth()),
                new Shape(1), new Shape(1, length, d.textWidth()), new Shape(1, length), new Shape(1, d.textWidth()));
    }

    /** Initializes every parameter for the configured latent grid and prompt length. */
    public void initialize(NDManager manager) {
        DenoiserConfig d = config.denoiser();
        int length = config.text().maxLength();
        initialize(manager, DataType.FLOAT32, new Shape(1, d.latentChannels(), d.latentHeight(), d.latentWidth()),
                new Shape(1), new Shape(1, length), new Shape(1, length));
    }
}
