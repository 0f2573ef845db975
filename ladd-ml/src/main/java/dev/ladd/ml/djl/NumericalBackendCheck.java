package dev.ladd.ml.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import dev.ladd.ml.nn.Conv3x3;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Is libtorch computing right on this machine? Forward and backward passes of a few small convolutions — the way the
 * networks compute them ({@link Conv3x3}) — and of one attention, computed by libtorch in float32, compared with the
 * same outputs and gradients computed here in plain Java (float64 loops, no libtorch). libtorch 2.7.1's oneDNN
 * computes some convolution gradients wrong with its AVX2/AVX-512 kernels on some CPUs (docs/adr/013); a process
 * that would train on a backend that computes wrong must stop instead of training garbage.
 *
 * <p>Every probe takes a loss L = Σ y ⊙ r with a fixed random r, so dL/dy = r, and compares the output and each
 * input's gradient with the reference: max |libtorch − reference| ≤ {@value #TOLERANCE} · (1 + max |reference|).
 * The whole check takes about a second on two cores, once per process.
 */
public final class NumericalBackendCheck {

    /** The environment variable that caps oneDNN's instruction set; oneDNN reads it in the process that loads it. */
    public static final String ONEDNN_CAP_VARIABLE = "ONEDNN_MAX_CPU_ISA";

    /** The portable setting (docs/adr/013): oneDNN's AVX kernels and gemm-based backward passes, right everywhere seen. */
    public static final String ONEDNN_CAP = "AVX";

    static final double TOLERANCE = 1e-3;

    /**
     * The convolutions probed: the layer kinds of the project's networks (first layer from one channel, 3×3 and
     * stride-2 3×3 over feature maps, a 1×1 head) and the shapes that expose ADR 013's defect — a 3×3 convolution
     * whose output channels are not a multiple of 16 (each of these two got a wrong input gradient in 10 of 10
     * tries under the default kernels on the affected machine when computed as a plain convolution).
     */
    static final List<ConvCase> CONV_CASES = List.of(
            new ConvCase(4, 1, 16, 16, 3, 1, 1),    // image → first feature maps (autoencoder, classifier)
            new ConvCase(4, 16, 32, 16, 3, 2, 1),   // a stride-2 downsampling
            new ConvCase(4, 32, 1, 4, 1, 1, 0),     // a 1×1 head over a token grid
            new ConvCase(2, 32, 1, 8, 3, 1, 1),     // feature maps → one channel (the autoencoder's last layer)
            new ConvCase(4, 32, 4, 8, 3, 1, 1));    // feature maps → a few channels (the encoder's moments)

    private static volatile Result cached;

    private NumericalBackendCheck() {
    }

    /** The check's verdict, computed once per process (the backend cannot change once libtorch is loaded). */
    public static Result result() {
        Result r = cached;
        if (r == null) {
            synchronized (NumericalBackendCheck.class) {
                r = cached;
                if (r == null) {
                    r = run();
                    cached = r;
                }
            }
        }
        return r;
    }

    /**
     * Throws when the backend computes wrong gradients: call before training anything.
     *
     * @param what the work that needs a sound backend, named in the message (e.g. "autoencoder training")
     */
    public static void requireHealthy(String what) {
        Result r = result();
        if (!r.healthy()) {
            throw new BrokenNumericalBackendException(what + " refused: " + r.summary());
        }
    }

    /** Runs every probe now (not cached). */
    public static Result run() {
        long start = System.nanoTime();
        List<String> failures = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            SplittableRandom random = new SplittableRandom(20261203L);
            for (ConvCase c : CONV_CASES) {
                failures.addAll(checkConvolution(manager, c, random));
            }
            failures.addAll(checkAttention(manager, random));
        }
        return new Result(failures.isEmpty(), System.getenv(ONEDNN_CAP_VARIABLE), failures,
                (System.nanoTime() - start) / 1_000_000);
    }

    /** What the check found. */
    public record Result(boolean healthy, String oneDnnCap, List<String> failures, long millis) {

        public Result {
            failures = List.copyOf(failures);
        }

        /** The process's oneDNN cap as set in its environment, or "(unset)": libtorch's default kernels. */
        public String oneDnnSetting() {
            return oneDnnCap == null || oneDnnCap.isBlank() ? "(unset)" : oneDnnCap;
        }

        /** One line for logs, health details and exceptions. */
        public String summary() {
            String cap = ONEDNN_CAP_VARIABLE + "=" + oneDnnSetting();
            if (healthy) {
                return "libtorch's convolution and attention outputs and gradients match the reference (" + cap + ", "
                        + millis + " ms)";
            }
            return "libtorch computes wrong results on this machine (" + cap + "): " + String.join("; ", failures)
                    + ". Start the process with " + ONEDNN_CAP_VARIABLE + "=" + ONEDNN_CAP
                    + " in its environment (docs/adr/013-onednn-conv-gradients.md)";
        }
    }

    /** Thrown when work that needs right gradients is asked of a backend that computes wrong ones. */
    public static final class BrokenNumericalBackendException extends IllegalStateException {
        BrokenNumericalBackendException(String message) {
            super(message);
        }
    }

    /** A 2-D convolution: batch, channels in and out, square size, kernel, stride, padding. */
    record ConvCase(int batch, int in, int out, int size, int kernel, int stride, int padding) {
        int outSize() {
            return (size + 2 * padding - kernel) / stride + 1;
        }

        @Override
        public String toString() {
            return "conv " + in + "→" + out + " " + kernel + "×" + kernel + " stride " + stride + " on "
                    + batch + "×" + size + "×" + size;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Convolution: y[b,o,i,j] = bias[o] + Σ_{c,u,v} w[o,c,u,v] · x[b,c, i·s+u−p, j·s+v−p]

    /** The convolution as the networks compute it ({@link Conv3x3} for 3×3, else DJL's). */
    static List<String> checkConvolution(NDManager manager, ConvCase c, SplittableRandom random) {
        return checkConvolution(manager, c, random, true);
    }

    /** The convolution as a plain libtorch call (what ADR 013's reproduction does). */
    static List<String> checkPlainConvolution(NDManager manager, ConvCase c, SplittableRandom random) {
        return checkConvolution(manager, c, random, false);
    }

    private static List<String> checkConvolution(NDManager manager, ConvCase c, SplittableRandom random, boolean asNetworks) {
        float[] x = gaussian(random, c.batch() * c.in() * c.size() * c.size(), 1.0);
        float[] w = gaussian(random, c.out() * c.in() * c.kernel() * c.kernel(), 0.1);
        float[] bias = gaussian(random, c.out(), 0.1);
        int n = c.outSize();
        float[] r = gaussian(random, c.batch() * c.out() * n * n, 1.0);

        float[][] torch;
        try (NDManager sub = manager.newSubManager()) {
            NDArray xt = sub.create(x, new Shape(c.batch(), c.in(), c.size(), c.size()));
            NDArray wt = sub.create(w, new Shape(c.out(), c.in(), c.kernel(), c.kernel()));
            NDArray bt = sub.create(bias, new Shape(c.out()));
            NDArray rt = sub.create(r, new Shape(c.batch(), c.out(), n, n));
            for (NDArray a : List.of(xt, wt, bt)) {
                a.setRequiresGradient(true);
            }
            NDArray y;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                y = asNetworks && c.kernel() == 3 && c.padding() == 1
                        ? Conv3x3.apply(xt, wt, bt, c.stride())
                        : Conv2d.conv2d(xt, wt, bt, new Shape(c.stride(), c.stride()),
                                new Shape(c.padding(), c.padding()), new Shape(1, 1)).singletonOrThrow();
                collector.backward(y.mul(rt).sum());
            }
            torch = new float[][]{xt.getGradient().toFloatArray(), wt.getGradient().toFloatArray(),
                    bt.getGradient().toFloatArray(), y.toFloatArray()};
        }

        double[] y = new double[r.length];
        double[] dx = new double[x.length];
        double[] dw = new double[w.length];
        double[] db = new double[bias.length];
        int k = c.kernel();
        for (int b = 0; b < c.batch(); b++) {
            for (int o = 0; o < c.out(); o++) {
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        int yi = ((b * c.out() + o) * n + i) * n + j;
                        double g = r[yi];
                        db[o] += g;
                        y[yi] += bias[o];
                        for (int ch = 0; ch < c.in(); ch++) {
                            for (int u = 0; u < k; u++) {
                                int row = i * c.stride() + u - c.padding();
                                if (row < 0 || row >= c.size()) {
                                    continue;
                                }
                                for (int v = 0; v < k; v++) {
                                    int col = j * c.stride() + v - c.padding();
                                    if (col < 0 || col >= c.size()) {
                                        continue;
                                    }
                                    int xi = ((b * c.in() + ch) * c.size() + row) * c.size() + col;
                                    int wi = ((o * c.in() + ch) * k + u) * k + v;
                                    y[yi] += (double) w[wi] * x[xi];
                                    dw[wi] += g * x[xi];
                                    dx[xi] += g * w[wi];
                                }
                            }
                        }
                    }
                }
            }
        }
        List<String> failures = new ArrayList<>();
        compare(c + ": output", torch[3], y, failures);
        compare(c + ": input gradient", torch[0], dx, failures);
        compare(c + ": weight gradient", torch[1], dw, failures);
        compare(c + ": bias gradient", torch[2], db, failures);
        return failures;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Attention: S = q kᵀ / √d,  P = softmax(S) over keys,  o = P v,  L = Σ o ⊙ r
    //   dv = Pᵀ r,  dP = r vᵀ,  dS = P ⊙ (dP − Σ_keys dP ⊙ P),  dq = dS k / √d,  dk = dSᵀ q / √d

    static List<String> checkAttention(NDManager manager, SplittableRandom random) {
        int batch = 2;
        int heads = 4;
        int tokens = 16;
        int dim = 32;
        int size = batch * heads * tokens * dim;
        float[] q = gaussian(random, size, 1.0);
        float[] k = gaussian(random, size, 1.0);
        float[] v = gaussian(random, size, 1.0);
        float[] r = gaussian(random, size, 1.0);
        double scale = 1.0 / Math.sqrt(dim);

        float[][] torch;
        try (NDManager sub = manager.newSubManager()) {
            Shape shape = new Shape(batch, heads, tokens, dim);
            NDArray qt = sub.create(q, shape);
            NDArray kt = sub.create(k, shape);
            NDArray vt = sub.create(v, shape);
            NDArray rt = sub.create(r, shape);
            for (NDArray a : List.of(qt, kt, vt)) {
                a.setRequiresGradient(true);
            }
            NDArray out;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray scores = Scalars.mul(qt.matMul(kt.transpose(0, 1, 3, 2)), scale);
                out = scores.softmax(-1).matMul(vt);
                collector.backward(out.mul(rt).sum());
            }
            torch = new float[][]{qt.getGradient().toFloatArray(), kt.getGradient().toFloatArray(),
                    vt.getGradient().toFloatArray(), out.toFloatArray()};
        }

        double[] o = new double[size];
        double[] dq = new double[size];
        double[] dk = new double[size];
        double[] dv = new double[size];
        for (int bh = 0; bh < batch * heads; bh++) {
            int base = bh * tokens * dim;
            double[][] p = new double[tokens][tokens];
            for (int i = 0; i < tokens; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < tokens; j++) {
                    double s = 0;
                    for (int d = 0; d < dim; d++) {
                        s += (double) q[base + i * dim + d] * k[base + j * dim + d];
                    }
                    p[i][j] = s * scale;
                    max = Math.max(max, p[i][j]);
                }
                double sum = 0;
                for (int j = 0; j < tokens; j++) {
                    p[i][j] = Math.exp(p[i][j] - max);
                    sum += p[i][j];
                }
                for (int j = 0; j < tokens; j++) {
                    p[i][j] /= sum;
                }
            }
            for (int i = 0; i < tokens; i++) {
                double[] dp = new double[tokens];
                double dot = 0;
                for (int j = 0; j < tokens; j++) {
                    for (int d = 0; d < dim; d++) {
                        o[base + i * dim + d] += p[i][j] * v[base + j * dim + d];
                        dp[j] += (double) r[base + i * dim + d] * v[base + j * dim + d];
                        dv[base + j * dim + d] += p[i][j] * r[base + i * dim + d];
                    }
                    dot += dp[j] * p[i][j];
                }
                for (int j = 0; j < tokens; j++) {
                    double ds = p[i][j] * (dp[j] - dot) * scale;
                    for (int d = 0; d < dim; d++) {
                        dq[base + i * dim + d] += ds * k[base + j * dim + d];
                        dk[base + j * dim + d] += ds * q[base + i * dim + d];
                    }
                }
            }
        }
        List<String> failures = new ArrayList<>();
        compare("attention: output", torch[3], o, failures);
        compare("attention: query gradient", torch[0], dq, failures);
        compare("attention: key gradient", torch[1], dk, failures);
        compare("attention: value gradient", torch[2], dv, failures);
        return failures;
    }

    static void compare(String what, float[] actual, double[] expected, List<String> failures) {
        double scale = 0;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            double error = Math.abs(actual[i] - expected[i]);
            if (!(error <= worst)) {
                worst = Double.isNaN(error) ? Double.POSITIVE_INFINITY : error;
            }
        }
        double allowed = TOLERANCE * (1 + scale);
        if (!(worst <= allowed)) {
            failures.add(String.format("%s off by %.3g (allowed %.3g)", what, worst, allowed));
        }
    }

    private static float[] gaussian(SplittableRandom random, int n, double std) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            // Box–Muller: SplittableRandom has no nextGaussian on Java 17
            double u = 1.0 - random.nextDouble();
            double z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
            a[i] = (float) (std * z);
        }
        return a;
    }
}
