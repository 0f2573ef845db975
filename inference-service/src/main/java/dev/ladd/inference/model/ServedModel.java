package dev.ladd.inference.model;

import ai.djl.ndarray.NDManager;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.nn.AutoencoderConfig;
import dev.ladd.ml.pipeline.FlowModel;
import dev.ladd.ml.pipeline.Pipeline;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One loaded, verified and warmed-up model of an alias: the student and the autoencoder that decodes its
 * latents. Immutable apart from its reference count: the registry holds one reference while the model is
 * current, every batch that runs on it holds one more. {@link #retire()} drops the registry's reference; the
 * native memory is freed when the last batch releases its reference, never under a running batch.
 */
public final class ServedModel {

    private final String alias;
    private final String checkpointId;
    private final long revision;
    private final FlowModel student;
    private final Autoencoder autoencoder;
    private final NDManager autoencoderManager;
    private final Instant loadedAt;
    /** 1 while current + 1 per running batch; 0 = closed. */
    private final AtomicInteger references = new AtomicInteger(1);

    public ServedModel(String alias, String checkpointId, long revision, FlowModel student, Autoencoder autoencoder,
                       NDManager autoencoderManager, Instant loadedAt) {
        this.alias = alias;
        this.checkpointId = checkpointId;
        this.revision = revision;
        this.student = student;
        this.autoencoder = autoencoder;
        this.autoencoderManager = autoencoderManager;
        this.loadedAt = loadedAt;
    }

    public String alias() {
        return alias;
    }

    public String checkpointId() {
        return checkpointId;
    }

    public long revision() {
        return revision;
    }

    public Instant loadedAt() {
        return loadedAt;
    }

    /** Edge of the square images it makes, in pixels (32 for Fashion-MNIST). */
    public int imageSize() {
        return autoencoder.config().imageSize();
    }

    /** Channels of its images (1: grey). */
    public int imageChannels() {
        return autoencoder.config().imageChannels();
    }

    /** Values of one image: C · S · S. */
    public int valuesPerImage() {
        AutoencoderConfig c = autoencoder.config();
        return c.imageChannels() * c.imageSize() * c.imageSize();
    }

    /**
     * Images for these prompts and seeds (one each) in {@code steps} student steps, in [−1, 1] (about), as
     * [n · C · S · S]. Image i depends only on prompt i, seed i and the step count (the student's sampler
     * draws everything of a sample from {@code Random(seed)}), not on the other images of the call.
     * The caller holds a reference ({@link #tryAcquire()}).
     */
    public float[] generate(List<String> prompts, List<Long> seeds, int steps) {
        return new Pipeline(student, student.studentSampler(steps), autoencoder).images(prompts, seeds);
    }

    /**
     * As {@link #generate(List, List, int)}, but every model call has exactly {@code callSize} images: the last
     * call is padded (with copies of the last image's prompt and seed, whose results are dropped). libtorch's CPU
     * kernels give bit-identical rows for the same input shape whatever the other rows are, but results that
     * differ in the last bits for different batch sizes (measured: up to 3·10⁻⁶, enough to change a PNG pixel in
     * about one image in twenty); one fixed shape makes an image independent of its batch, bit for bit.
     * {@code callSize} 0 calls the model once with the images as they are.
     */
    public float[] generate(List<String> prompts, List<Long> seeds, int steps, int callSize) {
        int n = prompts.size();
        if (callSize <= 0 || (n == callSize)) {
            return generate(prompts, seeds, steps);
        }
        int per = valuesPerImage();
        float[] images = new float[n * per];
        for (int from = 0; from < n; from += callSize) {
            int to = Math.min(n, from + callSize);
            List<String> p = new ArrayList<>(prompts.subList(from, to));
            List<Long> s = new ArrayList<>(seeds.subList(from, to));
            while (p.size() < callSize) {
                p.add(p.get(p.size() - 1));
                s.add(s.get(s.size() - 1));
            }
            float[] chunk = generate(p, s, steps);
            System.arraycopy(chunk, 0, images, from * per, (to - from) * per);
        }
        return images;
    }

    /** Takes a reference for one batch; false once the model has been retired and freed. */
    public boolean tryAcquire() {
        while (true) {
            int n = references.get();
            if (n == 0) {
                return false;
            }
            if (references.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Gives a reference back; the last one frees the model. */
    public void release() {
        int left = references.decrementAndGet();
        if (left == 0) {
            close();
        } else if (left < 0) {
            throw new IllegalStateException("model " + checkpointId + " released more often than acquired");
        }
    }

    /** Drops the registry's reference: no new batch gets this model; it is freed after its last batch. */
    public void retire() {
        release();
    }

    /** Whether it has been freed. */
    public boolean isClosed() {
        return references.get() == 0;
    }

    private void close() {
        try {
            student.close();
        } finally {
            autoencoderManager.close();
        }
    }

    @Override
    public String toString() {
        return alias + " → " + checkpointId + " (revision " + revision + ")";
    }
}
