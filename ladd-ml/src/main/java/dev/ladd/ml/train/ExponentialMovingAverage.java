package dev.ladd.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;
import dev.ladd.ml.djl.Scalars;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An exponential moving average of a block's weights, kept beside the training weights:
 * <pre>
 *   w̄ ← d · w̄ + (1 − d) · w        after every optimizer step
 * </pre>
 * The average is what a run publishes when it is on; the training weights keep training.
 */
public final class ExponentialMovingAverage {

    private final Block block;
    private final double decay;
    private final Map<String, NDArray> shadow = new LinkedHashMap<>();

    public ExponentialMovingAverage(Block block, double decay) {
        if (!(decay > 0 && decay < 1)) {
            throw new IllegalArgumentException("EMA decay must lie in (0, 1), got " + decay);
        }
        this.block = block;
        this.decay = decay;
        for (Pair<String, Parameter> p : block.getParameters()) {
            shadow.put(p.getKey(), p.getValue().getArray().duplicate());
        }
    }

    public void update() {
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            for (Pair<String, Parameter> p : block.getParameters()) {
                NDArray average = shadow.get(p.getKey());
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    average.muli(Scalars.scalar(average, decay)).addi(Scalars.mul(p.getValue().getArray(), 1 - decay));
                }
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /** The averaged weights by parameter name (live arrays: copy before the next update if kept). */
    public Map<String, NDArray> weights() {
        return shadow;
    }

    /** Restores averages saved from {@link #weights()}; parameters without a saved value keep theirs. */
    public void restore(Map<String, float[]> saved) {
        for (Map.Entry<String, NDArray> entry : shadow.entrySet()) {
            float[] values = saved.get(entry.getKey());
            if (values == null) {
                continue;
            }
            NDArray target = entry.getValue();
            if (values.length != target.size()) {
                throw new IllegalArgumentException("EMA state for " + entry.getKey() + " has " + values.length
                        + " values, the parameter has " + target.size());
            }
            try (NDArray source = target.getManager().create(values, target.getShape())) {
                target.set(new ai.djl.ndarray.index.NDIndex("..."), source);
            }
        }
    }
}
