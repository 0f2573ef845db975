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

import java.util.ArrayList;
import java.util.List;

/**
 * The DiT denoiser of the rectified-flow model: predicts the velocity v = ε − x₀ of a noisy latent.
 *
 * <pre>
 * x_t [B, C, H, W]  → patchify (p×p) → tokens [B, N = (H/p)(W/p), C·p·p] → linear → [B, N, D] + 2D sin-cos positions
 * c = MLP(timestep embedding of t) + linear(pooled text)                                   [B, D]
 * text tokens [B, L, Dt] → linear → [B, L, D]
 * depth × DitBlock(x, c, text, textMask)   (image tokens attend jointly over image and text tokens)
 * final adaLN + linear → [B, N, C·p·p] → unpatchify → v [B, C, H, W]
 * </pre>
 *
 * {@link #features} runs the same pass but returns the image tokens after chosen blocks and stops
 * after the last one needed: LADD's discriminator reads them from the frozen teacher.
 */
public final class Denoiser extends AbstractBlock {

    private final DenoiserConfig config;
    private final Linear patchEmbed;
    private final Linear timeIn;
    private final Linear timeOut;
    private final Linear pooledTextIn;
    private final Linear textIn;
    private final List<DitBlock> blocks = new ArrayList<>();
    private final Linear finalModulation;   // c → 2D: shift, scale
    private final LayerNorm finalNorm;
    private final Linear finalOut;

    public Denoiser(DenoiserConfig config) {
        this.config = config;
        int d = config.width();
        this.patchEmbed = addChildBlock("patch_embed", Layers.linear(d));
        this.timeIn = addChildBlock("time_in", Layers.linear(d));
        this.timeOut = addChildBlock("time_out", Layers.linear(d));
        this.pooledTextIn = addChildBlock("pooled_text_in", Layers.linear(d));
        this.textIn = addChildBlock("text_in", Layers.linear(d));
        for (int i = 0; i < config.depth(); i++) {
            blocks.add(addChildBlock("block" + i, new DitBlock(d, config.heads(), config.mlpRatio())));
        }
        this.finalModulation = addChildBlock("final_modulation", Layers.zeroLinear(2L * d));
        this.finalNorm = addChildBlock("final_norm", Layers.plainLayerNorm());
        this.finalOut = addChildBlock("final_out", Layers.zeroLinear(config.patchChannels()));
    }

    public DenoiserConfig config() {
        return config;
    }

    /**
     * The predicted velocity.
     *
     * @param x          noisy latents [B, C, H, W] (H, W divisible by the patch size)
     * @param t          noise levels [B] in [0, 1] (1 = pure noise)
     * @param text       text token embeddings [B, L, Dt]
     * @param textMask   [B, L], 1 for real tokens
     * @param pooledText [B, Dt]
     */
    public NDArray velocity(ParameterStore ps, NDArray x, NDArray t, NDArray text, NDArray textMask, NDArray pooledText,
                            boolean training) {
        Pass pass = begin(ps, x, t, text, pooledText, training);
        NDArray tokens = pass.tokens;
        for (DitBlock block : blocks) {
            tokens = block.apply(ps, tokens, pass.c, pass.text, textMask, training);
        }
        NDList mod = finalModulation.forward(ps, new NDList(Layers.silu(pass.c)), training).singletonOrThrow().split(2, 1);
        NDArray h = Layers.modulate(finalNorm.forward(ps, new NDList(tokens), training).singletonOrThrow(), mod.get(0), mod.get(1));
        NDArray patches = finalOut.forward(ps, new NDList(h), training).singletonOrThrow();        // [B, N, C·p·p]
        return unpatchify(patches, x.getShape());
    }

    /**
     * The image tokens after each block in {@code blockIndices} (ascending, 0-based), each [B, N, D];
     * blocks after the last requested one are not run.
     */
    public List<NDArray> features(ParameterStore ps, NDArray x, NDArray t, NDArray text, NDArray textMask,
                                  NDArray pooledText, int[] blockIndices, boolean training) {
        Pass pass = begin(ps, x, t, text, pooledText, training);
        List<NDArray> features = new ArrayList<>();
        NDArray tokens = pass.tokens;
        int last = blockIndices[blockIndices.length - 1];
        if (last >= blocks.size()) {
            throw new IllegalArgumentException("block " + last + " requested, the denoiser has " + blocks.size());
        }
        int next = 0;
        for (int i = 0; i <= last; i++) {
            tokens = blocks.get(i).apply(ps, tokens, pass.c, pass.text, textMask, training);
            if (i == blockIndices[next]) {
                features.add(tokens);
                next++;
            }
        }
        return features;
    }

    /** Number of DiT blocks. */
    public int depth() {
        return blocks.size();
    }

    private record Pass(NDArray tokens, NDArray c, NDArray text) {
    }

    private Pass begin(ParameterStore ps, NDArray x, NDArray t, NDArray text, NDArray pooledText, boolean training) {
        Shape s = x.getShape();
        int p = config.patchSize();
        if (s.dimension() != 4 || s.get(1) != config.latentChannels() || s.get(2) % p != 0 || s.get(3) % p != 0) {
            throw new IllegalArgumentException("latents must be [B, " + config.latentChannels() + ", H, W] with H and W "
                    + "divisible by " + p + ", got " + s);
        }
        int rows = (int) (s.get(2) / p);
        int cols = (int) (s.get(3) / p);
        NDArray tokens = patchEmbed.forward(ps, new NDList(patchify(x)), training).singletonOrThrow()
                .add(Embeddings.gridPositions(x.getManager(), rows, cols, config.width()).expandDims(0));  // [B, N, D]
        NDArray time = timeIn.forward(ps, new NDList(Embeddings.timesteps(t, config.width())), training).singletonOrThrow();
        time = timeOut.forward(ps, new NDList(Layers.silu(time)), training).singletonOrThrow();
        NDArray c = time.add(pooledTextIn.forward(ps, new NDList(pooledText), training).singletonOrThrow()); // [B, D]
        NDArray projectedText = textIn.forward(ps, new NDList(text), training).singletonOrThrow();         // [B, L, D]
        return new Pass(tokens, c, projectedText);
    }

    /** [B, C, H, W] → [B, (H/p)(W/p), C·p·p], tokens in row-major grid order. */
    private NDArray patchify(NDArray x) {
        Shape s = x.getShape();
        long b = s.get(0), c = s.get(1), h = s.get(2), w = s.get(3);
        int p = config.patchSize();
        return x.reshape(b, c, h / p, p, w / p, p)
                .transpose(0, 2, 4, 1, 3, 5)                       // [B, H/p, W/p, C, p, p]
                .reshape(b, (h / p) * (w / p), c * p * p);
    }

    /** Inverse of {@link #patchify}. */
    private NDArray unpatchify(NDArray patches, Shape like) {
        long b = like.get(0), c = like.get(1), h = like.get(2), w = like.get(3);
        int p = config.patchSize();
        return patches.reshape(b, h / p, w / p, c, p, p)
                .transpose(0, 3, 1, 4, 2, 5)                       // [B, C, H/p, p, W/p, p]
                .reshape(b, c, h, w);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
        return new NDList(velocity(ps, in.get(0), in.get(1), in.get(2), in.get(3), in.get(4), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[]{inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        int d = config.width();
        Shape tokens = new Shape(1, 1, d);
        Shape vector = new Shape(1, d);
        patchEmbed.initialize(manager, dataType, new Shape(1, 1, config.patchChannels()));
        timeIn.initialize(manager, dataType, vector);
        timeOut.initialize(manager, dataType, vector);
        pooledTextIn.initialize(manager, dataType, new Shape(1, config.textWidth()));
        textIn.initialize(manager, dataType, new Shape(1, 1, config.textWidth()));
        for (DitBlock block : blocks) {
            block.initialize(manager, dataType, tokens, vector, tokens, new Shape(1, 1));
        }
        finalModulation.initialize(manager, dataType, vector);
        finalNorm.initialize(manager, dataType, tokens);
        finalOut.initialize(manager, dataType, tokens);
    }
}
