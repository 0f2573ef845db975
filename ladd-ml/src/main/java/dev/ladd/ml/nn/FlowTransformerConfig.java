package dev.ladd.ml.nn;

/** The text-conditioned rectified-flow transformer: a text encoder and a DiT denoiser. */
public record FlowTransformerConfig(TextEncoderConfig text, DenoiserConfig denoiser) {
    public FlowTransformerConfig {
        if (text.width() != denoiser.textWidth()) {
            throw new IllegalArgumentException("the denoiser reads text of width " + denoiser.textWidth()
                    + " but the text encoder makes width " + text.width());
        }
    }

    /**
     * The default Fashion-MNIST teacher: 4×8×8 latents in 2×2 patches (16 tokens), a DiT of width 128 and
     * depth 4 (≈1.3 M parameters, the reference experiment's size) and a 2-block text encoder of width 64.
     */
    public static FlowTransformerConfig fashionMnist(int vocabularySize, int maxLength) {
        return new FlowTransformerConfig(
                new TextEncoderConfig(vocabularySize, maxLength, 64, 2, 4),
                new DenoiserConfig(4, 8, 8, 2, 128, 4, 4, 4, 64));
    }

    /** The tiny model of unit tests: a few thousand parameters. */
    public static FlowTransformerConfig tiny(int vocabularySize, int maxLength) {
        return new FlowTransformerConfig(
                new TextEncoderConfig(vocabularySize, maxLength, 16, 1, 2),
                new DenoiserConfig(4, 8, 8, 2, 16, 2, 2, 2, 16));
    }
}
