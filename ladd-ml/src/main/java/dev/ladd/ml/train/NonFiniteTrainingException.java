package dev.ladd.ml.train;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A training step computed a loss term or a gradient norm that is NaN or infinite. Every training loop checks its
 * step's numbers before the optimizer touches a weight and stops with this exception, so the weights and the
 * resumable state stay those of the last good step, and the job or run that drove the loop fails with this
 * message as its reason — never "completed" with garbage weights.
 */
public final class NonFiniteTrainingException extends IllegalStateException {

    private final long step;
    private final String term;
    private final double value;

    private NonFiniteTrainingException(String training, long step, String term, double value, String all) {
        super(training + " stopped at step " + step + ": " + all + " (not finite); the weights are "
                + "those of step " + (step - 1) + ". If the numerical backend self-check fails on this machine, see "
                + "docs/adr/013-onednn-conv-gradients.md");
        this.step = step;
        this.term = term;
        this.value = value;
    }

    /**
     * @param training what trains, named in the message (e.g. "autoencoder training")
     * @param step     the step being taken (1-based)
     * @param values   the step's loss terms and gradient norms, by name
     * @throws NonFiniteTrainingException naming every value that is not finite, in the order of their names
     */
    public static void requireFinite(String training, long step, Map<String, Double> values) {
        List<Map.Entry<String, Double>> bad = values.entrySet().stream()
                .filter(e -> !Double.isFinite(e.getValue()))
                .sorted(Map.Entry.comparingByKey())
                .toList();
        if (!bad.isEmpty()) {
            String all = bad.stream().map(e -> e.getKey() + " is " + e.getValue()).collect(Collectors.joining(", "));
            throw new NonFiniteTrainingException(training, step, bad.get(0).getKey(), bad.get(0).getValue(), all);
        }
    }

    /** The step (1-based) whose numbers were not finite. */
    public long step() {
        return step;
    }

    /** The name of the (first, by name) loss term or gradient norm that was not finite. */
    public String term() {
        return term;
    }

    public double value() {
        return value;
    }
}
