package dev.ladd.ml.nn;

/**
 * The shape of an {@link Autoencoder}: images [C, S, S] ↔ latents [Cl, S/2ᵈ, S/2ᵈ].
 *
 * @param imageChannels  C, channels of the images (1 for Fashion-MNIST)
 * @param imageSize      S, height = width of the images; divisible by 2^downsamplings
 * @param latentChannels Cl, channels of the latent
 * @param baseChannels   channels at full resolution; level i (resolution S/2ⁱ) has baseChannels·2ⁱ
 * @param downsamplings  d, number of stride-2 stages (each halves height and width)
 */
public record AutoencoderConfig(int imageChannels, int imageSize, int latentChannels, int baseChannels, int downsamplings) {

    /** More stages than this would leave no pixels of a reasonable image. */
    public static final int MAX_DOWNSAMPLINGS = 6;

    public AutoencoderConfig {
        if (imageChannels < 1 || latentChannels < 1 || baseChannels < 1) {
            throw new IllegalArgumentException("channels must be positive: image " + imageChannels + ", latent "
                    + latentChannels + ", base " + baseChannels);
        }
        if (downsamplings < 0 || downsamplings > MAX_DOWNSAMPLINGS) {
            throw new IllegalArgumentException("downsamplings must be in [0, " + MAX_DOWNSAMPLINGS + "], got " + downsamplings);
        }
        if (imageSize < 1 || imageSize % (1 << downsamplings) != 0) {
            throw new IllegalArgumentException("image size " + imageSize + " must be positive and divisible by 2^"
                    + downsamplings + " = " + (1 << downsamplings));
        }
        if ((long) baseChannels << downsamplings > 1 << 16) {
            throw new IllegalArgumentException("baseChannels " + baseChannels + " · 2^" + downsamplings + " is absurdly wide");
        }
    }

    /** Fashion-MNIST padded to 32×32, one channel → a 4×8×8 latent (as the reference experiment), ~1 M parameters. */
    public static AutoencoderConfig fashionMnist() {
        return new AutoencoderConfig(1, 32, 4, 32, 2);
    }

    /** The tiny model of unit tests: same image and latent shapes as {@link #fashionMnist()}, ~16 k parameters. */
    public static AutoencoderConfig tiny() {
        return new AutoencoderConfig(1, 32, 4, 4, 2);
    }

    /** Height = width of the latent, S / 2ᵈ. */
    public int latentSize() {
        return imageSize >> downsamplings;
    }

    /** Channels of the feature maps at level {@code level} (resolution S / 2^level). */
    public int channelsAt(int level) {
        if (level < 0 || level > downsamplings) {
            throw new IllegalArgumentException("level " + level + " outside [0, " + downsamplings + "]");
        }
        return baseChannels << level;
    }
}
