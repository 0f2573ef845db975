package dev.ladd.ml.nn;

import java.util.Arrays;

/**
 * Size of LADD's discriminator heads.
 *
 * @param blocks     the teacher blocks read, ascending, 0-based (one head each)
 * @param tokenWidth width D of the teacher's image tokens
 * @param textWidth  width of the teacher's pooled prompt embedding
 * @param timeWidth  width of the t̂ embedding
 * @param channels   convolution channels of every head
 * @param norm       how every head normalizes
 */
public record DiscriminatorConfig(int[] blocks, int tokenWidth, int textWidth, int timeWidth, int channels,
                                  HeadNorm norm) {
    public DiscriminatorConfig {
        blocks = blocks.clone();
        java.util.Objects.requireNonNull(norm, "norm");
        if (blocks.length == 0 || tokenWidth < 1 || textWidth < 1 || timeWidth < 2 || timeWidth % 2 != 0 || channels < 1) {
            throw new IllegalArgumentException("invalid discriminator config: blocks " + Arrays.toString(blocks)
                    + ", token width " + tokenWidth + ", text width " + textWidth + ", time width " + timeWidth
                    + ", channels " + channels);
        }
        for (int i = 0; i < blocks.length; i++) {
            if (blocks[i] < 0 || (i > 0 && blocks[i] <= blocks[i - 1])) {
                throw new IllegalArgumentException("discriminator blocks must be ascending and >= 0, got " + Arrays.toString(blocks));
            }
        }
    }

    /** Heads with {@link HeadNorm#LAYER}. */
    public DiscriminatorConfig(int[] blocks, int tokenWidth, int textWidth, int timeWidth, int channels) {
        this(blocks, tokenWidth, textWidth, timeWidth, channels, HeadNorm.LAYER);
    }

    @Override
    public int[] blocks() {
        return blocks.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DiscriminatorConfig c && Arrays.equals(blocks, c.blocks) && tokenWidth == c.tokenWidth
                && textWidth == c.textWidth && timeWidth == c.timeWidth && channels == c.channels && norm == c.norm;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(blocks) * 31 + tokenWidth * 17 + textWidth * 13 + timeWidth * 7 + channels + norm.hashCode() * 3;
    }
}
