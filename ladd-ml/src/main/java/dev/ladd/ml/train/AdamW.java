package dev.ladd.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.ladd.ml.djl.Scalars;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW (Loshchilov &amp; Hutter; PyTorch's formulation) over the trainable parameters of one block,
 * written out so that its whole state — both moments per parameter and the step count — can be saved
 * with a checkpoint and restored exactly on resume:
 * <pre>
 *   w ← w − lr·λ·w
 *   m ← β₁·m + (1 − β₁)·g          v ← β₂·v + (1 − β₂)·g²
 *   w ← w − lr · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
 * </pre>
 * {@link #step()} runs outside any GradientCollector with PyTorch's grad mode off, updates every
 * parameter that requires a gradient and then zeroes that gradient. Frozen parameters are skipped, so
 * two optimizers over two blocks never touch each other's weights.
 */
public final class AdamW {

    private final Block block;
    private float learningRate;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float weightDecay;
    private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
    private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();
    private long steps;

    public AdamW(Block block, float learningRate, float beta1, float beta2, float weightDecay) {
        if (!(learningRate > 0) || beta1 < 0 || beta1 >= 1 || beta2 < 0 || beta2 >= 1 || weightDecay < 0) {
            throw new IllegalArgumentException("AdamW needs lr > 0, betas in [0, 1), weight decay >= 0; got lr="
                    + learningRate + " betas=" + beta1 + "," + beta2 + " decay=" + weightDecay);
        }
        this.block = block;
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = 1e-8f;
        this.weightDecay = weightDecay;
    }

    /** The learning rate of the steps that follow (for a schedule); the moments and the step count are kept. */
    public void setLearningRate(float learningRate) {
        if (!(learningRate > 0) || !Float.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be finite and > 0, got " + learningRate);
        }
        this.learningRate = learningRate;
    }

    /** Applies the gradients collected since the last step, then zeroes them. */
    public void step() {
        // PyTorch's grad mode is per thread and on by default: DJL turns it off only on the thread that
        // loaded the engine, and a GradientCollector restores whatever mode it found. The in-place
        // updates below need it off on whichever thread trains.
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            update();
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    private void update() {
        steps++;
        double correction1 = 1 - Math.pow(beta1, steps);
        double correction2 = 1 - Math.pow(beta2, steps);
        for (Pair<String, Parameter> pair : block.getParameters()) {
            Parameter parameter = pair.getValue();
            if (!parameter.requiresGradient()) {
                continue;
            }
            NDArray w = parameter.getArray();
            NDArray m = firstMoments.computeIfAbsent(pair.getKey(), k -> w.zerosLike());
            NDArray v = secondMoments.computeIfAbsent(pair.getKey(), k -> w.zerosLike());
            // every temporary below (even the gradient's handle) is freed when the scope closes;
            // w, m, v and the gradient itself are updated in place
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray g = w.getGradient();
                if (weightDecay > 0) {
                    w.subi(Scalars.mul(w, (double) learningRate * weightDecay));
                }
                m.muli(Scalars.scalar(m, beta1)).addi(Scalars.mul(g, 1 - beta1));
                v.muli(Scalars.scalar(v, beta2)).addi(Scalars.mul(g.mul(g), 1 - beta2));
                NDArray denominator = Scalars.div(v, correction2).sqrt().add(Scalars.scalar(v, epsilon));
                w.subi(Scalars.mul(m.div(denominator), learningRate / correction1));
                g.subi(g);
            }
        }
    }

    /** ‖g‖₂ over every trainable parameter's current gradient (call before {@link #step()}, which zeroes them). */
    public double gradientNorm() {
        double sumOfSquares = 0;
        for (Pair<String, Parameter> pair : block.getParameters()) {
            Parameter parameter = pair.getValue();
            if (!parameter.requiresGradient()) {
                continue;
            }
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray g = parameter.getArray().getGradient();
                sumOfSquares += g.mul(g).sum().getFloat();
            }
        }
        return Math.sqrt(sumOfSquares);
    }

    public long steps() {
        return steps;
    }

    /** The state to checkpoint: "m/&lt;parameter&gt;" and "v/&lt;parameter&gt;" moments and the step count. */
    public Map<String, NDArray> moments() {
        Map<String, NDArray> state = new LinkedHashMap<>();
        firstMoments.forEach((name, m) -> state.put("m/" + name, m));
        secondMoments.forEach((name, v) -> state.put("v/" + name, v));
        return state;
    }

    /**
     * A copy of the values in memory PyTorch owns: {@code create(float[])} may keep the tensor on a Java
     * buffer, and the moments are updated in place for the rest of the run.
     */
    private static NDArray pytorchOwned(NDArray like, float[] values) {
        try (NDArray javaBacked = like.getManager().create(values, like.getShape())) {
            NDArray copy = javaBacked.duplicate();
            return copy;
        }
    }

    /** Restores a state saved from {@link #moments()} and {@link #steps()}; values are copied in. */
    public void restore(Map<String, float[]> moments, long steps) {
        for (Pair<String, Parameter> pair : block.getParameters()) {
            NDArray w = pair.getValue().getArray();
            float[] m = moments.get("m/" + pair.getKey());
            float[] v = moments.get("v/" + pair.getKey());
            if (m == null || v == null) {
                continue;
            }
            if (m.length != w.size() || v.length != w.size()) {
                throw new IllegalArgumentException("optimizer state for " + pair.getKey() + " has " + m.length
                        + " values, the parameter has " + w.size());
            }
            firstMoments.put(pair.getKey(), pytorchOwned(w, m));
            secondMoments.put(pair.getKey(), pytorchOwned(w, v));
        }
        this.steps = steps;
    }
}
