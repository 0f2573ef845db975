package dev.ladd.ml.nn;

/**
 * The shape of a {@link FashionClassifier}: images [C, S, S] → features [F] → logits [K].
 *
 * @param imageChannels C, channels of the images (1 for Fashion-MNIST)
 * @param imageSize     S, height = width of the images; divisible by 2^stages
 * @param baseChannels  channels of the first stage; stage i has baseChannels·2ⁱ
 * @param stages        convolution stages, each conv3×3 + ReLU + 2×2 max-pool (halves height and width)
 * @param featureWidth  F, width of the penultimate (feature) layer that FID and precision/recall read
 * @param numClasses    K, classes of the logits
 */
public record FashionClassifierConfig(int imageChannels, int imageSize, int baseChannels, int stages, int featureWidth,
                                      int numClasses) {

    public FashionClassifierConfig {
        if (imageChannels < 1 || baseChannels < 1 || featureWidth < 1 || numClasses < 2) {
            throw new IllegalArgumentException("a classifier needs positive channels and widths and >= 2 classes: image "
                    + imageChannels + ", base " + baseChannels + ", features " + featureWidth + ", classes " + numClasses);
        }
        if (stages < 1 || stages > AutoencoderConfig.MAX_DOWNSAMPLINGS || (long) baseChannels << stages > 1 << 16) {
            throw new IllegalArgumentException("stages must be in [1, " + AutoencoderConfig.MAX_DOWNSAMPLINGS
                    + "] with baseChannels·2^stages reasonable, got " + stages + " stages of base " + baseChannels);
        }
        if (imageSize < 1 || imageSize % (1 << stages) != 0) {
            throw new IllegalArgumentException("image size " + imageSize + " must be positive and divisible by 2^"
                    + stages + " = " + (1 << stages));
        }
    }

    /** Fashion-MNIST padded to 32×32: 16/32/64 channels at 32/16/8 pixels, 64 features, 10 classes (≈ 90 k parameters). */
    public static FashionClassifierConfig fashionMnist() {
        return new FashionClassifierConfig(1, 32, 16, 3, 64, 10);
    }

    /** The tiny model of unit tests: the same image and class shapes, ≈ 5 k parameters. */
    public static FashionClassifierConfig tiny() {
        return new FashionClassifierConfig(1, 32, 4, 3, 16, 10);
    }

    /** Channels after stage {@code stage} (0-based). */
    public int channelsAt(int stage) {
        if (stage < 0 || stage >= stages) {
            throw new IllegalArgumentException("stage " + stage + " outside [0, " + stages + ")");
        }
        return baseChannels << stage;
    }

    /** Inputs of the feature layer: the last stage's channels × (S / 2^stages)². */
    public int flattenedWidth() {
        int side = imageSize >> stages;
        return channelsAt(stages - 1) * side * side;
    }
}
