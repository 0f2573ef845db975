package dev.ladd.ml.train;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.ladd.ml.data.LabeledImages;
import dev.ladd.ml.nn.Autoencoder;

/** How well an autoencoder reconstructs held-out images, in dB. */
public final class ReconstructionPsnr {

    private ReconstructionPsnr() {
    }

    /**
     * PSNR in dB of the deterministic reconstructions decode(mean) of {@code heldOut}, with images and
     * reconstructions mapped to [0, 1] and the reconstructions clamped there: 10·log10(1 / MSE), the MSE over
     * all pixels of the set.
     */
    public static double of(Autoencoder model, LabeledImages heldOut) {
        AutoencoderBatches.checkImages(model, heldOut);
        NDManager manager = AutoencoderBatches.managerOf(model);
        double squaredError = 0;
        long n = 0;
        for (int from = 0; from < heldOut.count(); from += AutoencoderBatches.EVALUATION_BATCH) {
            int to = Math.min(heldOut.count(), from + AutoencoderBatches.EVALUATION_BATCH);
            float[] original = heldOut.signedImages(from, to);
            float[] reconstructed;
            try (NDManager sub = manager.newSubManager()) {
                reconstructed = model.reconstruct(new ParameterStore(sub, false), AutoencoderBatches.images(sub, heldOut, from, to), false)
                        .toFloatArray();
            }
            for (int i = 0; i < original.length; i++) {
                double a = (original[i] + 1) / 2;
                double b = Math.min(1, Math.max(0, (reconstructed[i] + 1) / 2.0));
                squaredError += (a - b) * (a - b);
            }
            n += original.length;
        }
        return psnr(squaredError / n);
    }

    /** 10·log10(1 / mse) for images in [0, 1]; infinite for a perfect reconstruction. */
    public static double psnr(double mse) {
        return mse == 0 ? Double.POSITIVE_INFINITY : -10 * Math.log10(mse);
    }
}
