package dev.ladd.ml.nn;

/**
 * Size of the text encoder.
 *
 * @param vocabularySize tokens in the tokenizer's vocabulary
 * @param maxLength      tokens per prompt (padded)
 * @param width          embedding width
 * @param depth          transformer blocks
 * @param heads          attention heads
 */
public record TextEncoderConfig(int vocabularySize, int maxLength, int width, int depth, int heads) {
    public TextEncoderConfig {
        if (vocabularySize < 3 || maxLength < 2 || width < 4 || depth < 0 || heads < 1 || width % heads != 0) {
            throw new IllegalArgumentException("invalid text encoder config: " + this);
        }
    }
}
