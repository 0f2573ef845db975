package dev.ladd.ml.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import dev.ladd.ml.djl.Scalars;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

import static dev.ladd.ml.nn.ResidualConvBlock.conv3x3;
import static dev.ladd.ml.nn.ResidualConvBlock.run;

/**
 * A small KL-regularized convolutional autoencoder, as Stable Diffusion's VAE but without normalization
 * layers or attention. Channels at level i (resolution S/2ⁱ) are c·2ⁱ, c = baseChannels, d = downsamplings.
 *
 * <pre>
 * encoder: images [B, C, S, S]
 *   conv3×3 C→c
 *   for i in 0 … d−1:  ResidualConvBlock(c·2ⁱ), conv3×3 stride 2 c·2ⁱ → c·2ⁱ⁺¹          (S/2ⁱ → S/2ⁱ⁺¹)
 *   ResidualConvBlock(c·2ᵈ), SiLU, conv3×3 c·2ᵈ → 2·Cl
 *   → split: mean, logVariance [B, Cl, S/2ᵈ, S/2ᵈ]   (logVariance clamped to [−30, 20])
 *
 * decoder: latents [B, Cl, h, w]
 *   conv3×3 Cl→c·2ᵈ, ResidualConvBlock(c·2ᵈ)
 *   for i in d−1 … 0:  nearest-neighbour ×2, conv3×3 c·2ⁱ⁺¹ → c·2ⁱ, ResidualConvBlock(c·2ⁱ)
 *   SiLU, conv3×3 c → C                                → [B, C, h·2ᵈ, w·2ᵈ], unbounded (images are in [−1, 1])
 * </pre>
 *
 * SiLU is x·σ(x). Initialization ({@link #initialize(NDManager, long)}): every conv weight He/Kaiming
 * uniform, U(±√(6/fanIn)), from a {@link Random} of the given seed; biases zero; the second conv of every
 * residual block zero, so each residual block starts as the identity.
 *
 * <p>The latent space the diffusion model sees is {@code z = (mean − shift) · scale}
 * ({@link #toLatent}/{@link #fromLatent}, {@link LatentNormalization}); it is the identity until set
 * from the data with {@link #setLatentNormalization}.
 */
public final class Autoencoder extends AbstractBlock {

    /** Bounds of the log-variance, as Stable Diffusion's DiagonalGaussianDistribution. */
    public static final double MIN_LOG_VARIANCE = -30;
    public static final double MAX_LOG_VARIANCE = 20;

    private final AutoencoderConfig config;
    /** Latents decoded in one batch by {@link #decodeLatents}. */
    public static final int DECODE_BATCH = 250;

    private final Encoder encoder;
    private final Decoder decoder;
    private LatentNormalization latentNormalization = LatentNormalization.IDENTITY;

    public Autoencoder(AutoencoderConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.encoder = addChildBlock("encoder", new Encoder(config));
        this.decoder = addChildBlock("decoder", new Decoder(config));
    }

    /**
     * Refuses a denoiser whose latents this autoencoder cannot decode.
     *
     * @param what names the model in the message, e.g. "the student"
     * @throws IllegalArgumentException naming both latent shapes
     */
    public void requireDecodes(String what, DenoiserConfig d) {
        AutoencoderConfig a = config();
        if (d.latentChannels() != a.latentChannels() || d.latentHeight() != a.latentSize() || d.latentWidth() != a.latentSize()) {
            throw new IllegalArgumentException(what + " makes latents of " + d.latentChannels() + "×" + d.latentHeight() + "×"
                    + d.latentWidth() + " but the autoencoder decodes " + a.latentChannels() + "×" + a.latentSize() + "×"
                    + a.latentSize());
        }
    }

    public AutoencoderConfig config() {
        return config;
    }

    /** Initializes every parameter as described in the class comment, reproducibly from {@code seed}. */
    public void initialize(NDManager manager, long seed) {
        setInitializer(new KaimingUniform(new Random(seed)), Parameter.Type.WEIGHT);
        setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
        Set<Parameter> zeroWeights = Collections.newSetFromMap(new IdentityHashMap<>());
        for (ResidualConvBlock block : residualBlocks()) {
            zeroWeights.add(block.zeroInitialized().getParameters().get("weight"));
        }
        setInitializer(Initializer.ZEROS, zeroWeights::contains);
        initialize(manager, DataType.FLOAT32, imageShape(1));
    }

    /** Number of scalar parameters (after initialization). */
    public long parameterCount() {
        return getParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
    }

    /** Shape of a batch of images, [batch, C, S, S]. */
    public Shape imageShape(long batch) {
        return new Shape(batch, config.imageChannels(), config.imageSize(), config.imageSize());
    }

    /** Shape of a batch of latents, [batch, Cl, S/2ᵈ, S/2ᵈ]. */
    public Shape latentShape(long batch) {
        return new Shape(batch, config.latentChannels(), config.latentSize(), config.latentSize());
    }

    /**
     * The posterior of the latents: {mean, logVariance}, each [B, Cl, H/2ᵈ, W/2ᵈ].
     *
     * @param images [B, C, H, W] in [−1, 1], H and W divisible by 2ᵈ
     */
    public NDList encode(ParameterStore ps, NDArray images, boolean training) {
        Shape s = images.getShape();
        int factor = 1 << config.downsamplings();
        if (s.dimension() != 4 || s.get(1) != config.imageChannels() || s.get(2) % factor != 0 || s.get(3) % factor != 0) {
            throw new IllegalArgumentException("images must be [B, " + config.imageChannels() + ", H, W] with H and W "
                    + "divisible by " + factor + ", got " + s);
        }
        NDList moments = encoder.apply(ps, images, training).split(2, 1);
        return new NDList(moments.get(0), clampLogVariance(moments.get(1)));
    }

    /** Images [B, C, h·2ᵈ, w·2ᵈ] (unbounded; trained toward [−1, 1]) from latents [B, Cl, h, w]. */
    public NDArray decode(ParameterStore ps, NDArray latents, boolean training) {
        Shape s = latents.getShape();
        if (s.dimension() != 4 || s.get(1) != config.latentChannels()) {
            throw new IllegalArgumentException("latents must be [B, " + config.latentChannels() + ", h, w], got " + s);
        }
        return decoder.apply(ps, latents, training);
    }

    /** decode(mean of encode(images)): the deterministic reconstruction. */
    public NDArray reconstruct(ParameterStore ps, NDArray images, boolean training) {
        return decode(ps, encode(ps, images, training).get(0), training);
    }

    /** The reparameterized sample z = mean + exp(½·logVariance)·noise; gradients reach mean and logVariance. */
    public static NDArray sample(NDArray mean, NDArray logVariance, NDArray noise) {
        return Scalars.mul(logVariance, 0.5).exp().mul(noise).add(mean);
    }

    public LatentNormalization latentNormalization() {
        return latentNormalization;
    }

    public void setLatentNormalization(LatentNormalization normalization) {
        this.latentNormalization = Objects.requireNonNull(normalization, "normalization");
    }

    /** The diffusion model's latent (mean − shift)·scale of encoder means [B, Cl, h, w]. */
    public NDArray toLatent(NDArray mean) {
        return latentNormalization.toLatent(mean);
    }

    /** The encoder-mean space from a diffusion latent, ready for {@link #decode}. */
    public NDArray fromLatent(NDArray latent) {
        return latentNormalization.fromLatent(latent);
    }

    /**
     * Images from diffusion latents, as float arrays: latents [n · Cl · h · w] (h = w = the configured latent
     * size) → images [n · C · S · S] in about [−1, 1], decoded {@value #DECODE_BATCH} at a time so that memory
     * stays bounded however many are asked for.
     */
    public float[] decodeLatents(float[] latents) {
        int per = config.latentChannels() * config.latentSize() * config.latentSize();
        int pixels = config.imageChannels() * config.imageSize() * config.imageSize();
        int n = latents.length / per;
        float[] images = new float[n * pixels];
        for (int from = 0; from < n; from += DECODE_BATCH) {
            int count = Math.min(DECODE_BATCH, n - from);
            float[] chunk = new float[count * per];
            System.arraycopy(latents, from * per, chunk, 0, chunk.length);
            try (NDManager manager = NDManager.newBaseManager()) {
                NDArray z = manager.create(chunk, latentShape(count));
                float[] decoded = decode(new ParameterStore(manager, false), fromLatent(z), false).toFloatArray();
                System.arraycopy(decoded, 0, images, from * pixels, decoded.length);
            }
        }
        return images;
    }

    /** Clamps to [{@value #MIN_LOG_VARIANCE}, {@value #MAX_LOG_VARIANCE}] against PyTorch-owned scalars (no Number). */
    static NDArray clampLogVariance(NDArray logVariance) {
        return logVariance.maximum(Scalars.scalar(logVariance, MIN_LOG_VARIANCE))
                .minimum(Scalars.scalar(logVariance, MAX_LOG_VARIANCE));
    }

    /** Nearest-neighbour ×2 upsampling: [B, C, H, W] → [B, C, 2H, 2W], each pixel repeated along H and W. */
    static NDArray upsample(NDArray x) {
        return x.repeat(2, 2).repeat(3, 2);
    }

    private List<ResidualConvBlock> residualBlocks() {
        List<ResidualConvBlock> blocks = new ArrayList<>(encoder.residuals);
        blocks.addAll(decoder.residuals);
        return blocks;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(reconstruct(ps, inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[]{inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape images = new Shape(1, config.imageChannels(), inputShapes[0].get(2), inputShapes[0].get(3));
        encoder.initialize(manager, dataType, images);
        Shape latents = encoder.getOutputShapes(new Shape[]{images})[0];
        decoder.initialize(manager, dataType,
                new Shape(1, config.latentChannels(), latents.get(2), latents.get(3)));
    }

    /**
     * Walks a chain of single-input blocks, where null marks a ×2 upsampling, from {@code input}: returns the
     * output shape and, when {@code manager} is not null, initializes each block on its input shape.
     */
    private static Shape walk(List<Block> chain, Shape input, NDManager manager, DataType dataType) {
        Shape shape = input;
        for (Block block : chain) {
            if (block == null) {
                shape = new Shape(shape.get(0), shape.get(1), 2 * shape.get(2), 2 * shape.get(3));
                continue;
            }
            if (manager != null) {
                block.initialize(manager, dataType, shape);
            }
            shape = block.getOutputShapes(new Shape[]{shape})[0];
        }
        return shape;
    }

    /**
     * An encoder or decoder half: a fixed sequence of blocks ({@link #chain()}), whose shapes and
     * initialization follow from walking that sequence.
     */
    private abstract static class Chain extends AbstractBlock {

        abstract NDArray apply(ParameterStore ps, NDArray input, boolean training);

        /** The blocks in order; null marks a ×2 upsampling. */
        abstract List<Block> chain();

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            return new NDList(apply(ps, inputs.singletonOrThrow(), training));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[]{walk(chain(), inputShapes[0], null, null)};
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            walk(chain(), inputShapes[0], manager, dataType);
        }
    }

    /** Images [B, C, S, S] → moments [B, 2·Cl, S/2ᵈ, S/2ᵈ] (mean ; logVariance along channels). */
    private static final class Encoder extends Chain {

        private final Conv2d convIn;
        private final List<ResidualConvBlock> residuals = new ArrayList<>();
        private final List<Conv2d> downs = new ArrayList<>();
        private final ResidualConvBlock middle;
        private final Conv2d convOut;

        Encoder(AutoencoderConfig config) {
            this.convIn = addChildBlock("conv_in", conv3x3(config.channelsAt(0), 1));
            for (int i = 0; i < config.downsamplings(); i++) {
                residuals.add(addChildBlock("res" + i, new ResidualConvBlock(config.channelsAt(i))));
                downs.add(addChildBlock("down" + i, conv3x3(config.channelsAt(i + 1), 2)));
            }
            this.middle = addChildBlock("middle", new ResidualConvBlock(config.channelsAt(config.downsamplings())));
            residuals.add(middle);
            this.convOut = addChildBlock("conv_out", conv3x3(2 * config.latentChannels(), 1));
        }

        @Override
        NDArray apply(ParameterStore ps, NDArray images, boolean training) {
            NDArray x = run(convIn, ps, images, training);                                   // [B, c, S, S]
            for (int i = 0; i < downs.size(); i++) {
                x = residuals.get(i).apply(ps, x, training);
                x = run(downs.get(i), ps, x, training);                                      // [B, c·2ⁱ⁺¹, S/2ⁱ⁺¹, …]
            }
            x = middle.apply(ps, x, training);
            return run(convOut, ps, Layers.silu(x), training);                               // [B, 2·Cl, h, w]
        }

        @Override
        List<Block> chain() {
            List<Block> chain = new ArrayList<>();
            chain.add(convIn);
            for (int i = 0; i < downs.size(); i++) {
                chain.add(residuals.get(i));
                chain.add(downs.get(i));
            }
            chain.add(middle);
            chain.add(convOut);
            return chain;
        }

    }

    /** Latents [B, Cl, h, w] → images [B, C, h·2ᵈ, w·2ᵈ]. */
    private static final class Decoder extends Chain {

        private final Conv2d convIn;
        private final ResidualConvBlock middle;
        private final List<Conv2d> ups = new ArrayList<>();
        private final List<ResidualConvBlock> residuals = new ArrayList<>();
        private final Conv2d convOut;

        Decoder(AutoencoderConfig config) {
            int d = config.downsamplings();
            this.convIn = addChildBlock("conv_in", conv3x3(config.channelsAt(d), 1));
            this.middle = addChildBlock("middle", new ResidualConvBlock(config.channelsAt(d)));
            for (int i = d - 1; i >= 0; i--) {
                ups.add(addChildBlock("up" + i, conv3x3(config.channelsAt(i), 1)));
                residuals.add(addChildBlock("res" + i, new ResidualConvBlock(config.channelsAt(i))));
            }
            residuals.add(0, middle);
            this.convOut = addChildBlock("conv_out", conv3x3(config.imageChannels(), 1));
        }

        @Override
        NDArray apply(ParameterStore ps, NDArray latents, boolean training) {
            NDArray x = middle.apply(ps, run(convIn, ps, latents, training), training);     // [B, c·2ᵈ, h, w]
            for (int k = 0; k < ups.size(); k++) {
                x = run(ups.get(k), ps, upsample(x), training);                              // [B, c·2ⁱ, 2×, 2×]
                x = residuals.get(k + 1).apply(ps, x, training);
            }
            return run(convOut, ps, Layers.silu(x), training);                               // [B, C, H, W]
        }

        /** The blocks in order, with a marker (null) where the ×2 upsampling happens. */
        @Override
        List<Block> chain() {
            List<Block> chain = new ArrayList<>();
            chain.add(convIn);
            chain.add(middle);
            for (int k = 0; k < ups.size(); k++) {
                chain.add(null);
                chain.add(ups.get(k));
                chain.add(residuals.get(k + 1));
            }
            chain.add(convOut);
            return chain;
        }

    }
}
