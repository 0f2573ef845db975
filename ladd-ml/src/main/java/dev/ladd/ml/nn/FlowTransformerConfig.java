package dev.ladd.ml.nn;

/** The text-conditioned rectified-flow transformer: a text encoder and a DiT denoiser. */
public record FlowTransformerConfig(TextEncoderConfig text, DenoiserConfig denoiser) {
    public FlowTransformerConfig {
        if (text.width() != denoiser.textWidth()) {
            throw new IllegalArgumentException("the denoiser reads text of width " + denoiser.textWidth()
                    + " but the text encoder makes width " + text.width());
        }
    }

    /** The tiny model of unit tests: a few thousand parameters. */
    public static FlowTransformerConfig tiny(int vocabularySize, int maxLength) {
        return new FlowTransformerConfig(
                new TextEncoderConfig(vocabularySize, maxLength, 16, 1, 2),
                new DenoiserConfig(4, 8, 8, 2, 16, 2, 2, 2, 16));
    }
}
