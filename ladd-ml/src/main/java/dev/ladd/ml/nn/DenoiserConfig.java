package dev.ladd.ml.nn;

/**
 * Size of the DiT denoiser. The latent grid is only the default (for initialization and checkpoints):
 * a forward pass accepts any grid divisible by the patch size.
 *
 * @param latentChannels channels of the autoencoder latent (e.g. 4)
 * @param latentHeight   default latent height (e.g. 8)
 * @param latentWidth    default latent width (e.g. 8)
 * @param patchSize      latent pixels per token side (2: an 8×8 latent is 16 tokens)
 * @param width          token width D
 * @param depth          DiT blocks
 * @param heads          attention heads
 * @param mlpRatio       MLP hidden width / D
 * @param textWidth      width of the text encoder's embeddings
 */
public record DenoiserConfig(int latentChannels, int latentHeight, int latentWidth, int patchSize, int width,
                             int depth, int heads, int mlpRatio, int textWidth) {
    public DenoiserConfig {
        if (latentChannels < 1 || patchSize < 1 || latentHeight % patchSize != 0 || latentWidth % patchSize != 0
                || width % 4 != 0 || depth < 1 || heads < 1 || width % heads != 0 || mlpRatio < 1 || textWidth < 1) {
            throw new IllegalArgumentException("invalid denoiser config: " + this);
        }
    }

    public int patchChannels() {
        return latentChannels * patchSize * patchSize;
    }
}
