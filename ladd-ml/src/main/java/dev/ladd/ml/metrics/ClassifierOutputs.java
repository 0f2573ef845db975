package dev.ladd.ml.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import dev.ladd.ml.data.LabeledImages;
import dev.ladd.ml.nn.FashionClassifier;

import java.util.function.BiFunction;

/**
 * What the {@link FashionClassifier} sees in a set of images: the penultimate features φ(x_i) [N, F] that
 * {@link GaussianStats}, {@link Fid} and {@link PrecisionRecall} work on, and the predicted classes
 * argmax_k logits_i[k] [N] that {@link PromptAdherence} and the test accuracy count. Computed in batches
 * of {@value #BATCH} without gradients (PyTorch's grad mode off on the calling thread while it runs).
 *
 * @param features    φ(x_i), row i for image i
 * @param predictions the class of the largest logit (the first one on a tie)
 */
public record ClassifierOutputs(double[][] features, int[] predictions) {

    public static final int BATCH = 256;

    public ClassifierOutputs {
        if (features.length != predictions.length) {
            throw new IllegalArgumentException(features.length + " feature vectors but " + predictions.length + " predictions");
        }
    }

    /** The outputs for labelled images of the classifier's size (e.g. Fashion-MNIST after {@code paddedTo32()}). */
    public static ClassifierOutputs of(FashionClassifier classifier, LabeledImages images) {
        classifier.checkImageSize(1, images.height(), images.width());
        return of(classifier, images.count(), images::signedImages);
    }

    /**
     * The outputs for images [N, C, S, S], flat row-major, in [−1, 1] (e.g. generated ones); values
     * outside [−1, 1] are clamped, as they would be when the images were saved as pixels.
     */
    public static ClassifierOutputs of(FashionClassifier classifier, float[] signedImages) {
        int perImage = Math.toIntExact(classifier.imageShape(1).size());
        if (signedImages.length % perImage != 0) {
            throw new IllegalArgumentException(signedImages.length + " values are not whole images of " + perImage + " values");
        }
        return of(classifier, signedImages.length / perImage, (from, to) -> {
            float[] batch = new float[(to - from) * perImage];
            for (int i = 0; i < batch.length; i++) {
                batch[i] = Math.max(-1f, Math.min(1f, signedImages[from * perImage + i]));
            }
            return batch;
        });
    }

    private static ClassifierOutputs of(FashionClassifier classifier, int count, BiFunction<Integer, Integer, float[]> batches) {
        double[][] features = new double[count][];
        int[] predictions = new int[count];
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            for (int from = 0; from < count; from += BATCH) {
                int to = Math.min(count, from + BATCH);
                try (NDManager sub = classifier.manager().newSubManager()) {
                    ParameterStore ps = new ParameterStore(sub, false);
                    NDArray images = sub.create(batches.apply(from, to), classifier.imageShape(to - from));
                    NDArray phi = classifier.features(ps, images, false);                      // [B, F]
                    float[] f = phi.toFloatArray();
                    float[] logits = classifier.logitsOf(ps, phi, false).toFloatArray();      // [B, K]
                    int width = Math.toIntExact(phi.getShape().get(1));
                    int classes = logits.length / (to - from);
                    for (int b = 0; b < to - from; b++) {
                        double[] row = new double[width];
                        for (int j = 0; j < width; j++) {
                            row[j] = f[b * width + j];
                        }
                        features[from + b] = row;
                        predictions[from + b] = argmax(logits, b * classes, classes);
                    }
                }
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
        return new ClassifierOutputs(features, predictions);
    }

    /** The number of images N. */
    public int count() {
        return predictions.length;
    }

    /** The share of images whose predicted class is {@code labels[i]}. */
    public double accuracy(int[] labels) {
        if (labels.length != predictions.length || labels.length == 0) {
            throw new IllegalArgumentException(labels.length + " labels for " + predictions.length + " predictions");
        }
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            correct += labels[i] == predictions[i] ? 1 : 0;
        }
        return correct / (double) labels.length;
    }

    /** The gaussian of the features, for {@link Fid}. */
    public GaussianStats gaussian() {
        return GaussianStats.of(features);
    }

    private static int argmax(float[] values, int offset, int length) {
        int best = 0;
        for (int k = 1; k < length; k++) {
            if (values[offset + k] > values[offset + best]) {
                best = k;
            }
        }
        return best;
    }
}
