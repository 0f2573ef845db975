package dev.ladd.ml.metrics;

import dev.ladd.ml.data.Prompts;

import java.util.List;
import java.util.OptionalInt;

/**
 * Prompt adherence: the share of generated samples that the classifier puts in the class their prompt
 * names,
 * <pre>
 *   adherence = |{i : argmax_k logits_i[k] = c(prompt_i)}| / |{i : prompt_i names a class}|
 * </pre>
 * where c(prompt) is {@link Prompts#labelOf}. Prompts that name no class (the unconditional prompt) or
 * several are not scored.
 *
 * @param matching samples whose predicted class is their prompt's class
 * @param scored   samples whose prompt names exactly one class
 */
public record PromptAdherence(int matching, int scored) {

    public PromptAdherence {
        if (matching < 0 || scored < matching) {
            throw new IllegalArgumentException("need 0 <= matching <= scored, got " + matching + " of " + scored);
        }
    }

    /** Scores sample i by its prompt {@code prompts.get(i)} and its predicted class {@code predicted[i]}. */
    public static PromptAdherence of(List<String> prompts, int[] predicted, Prompts classes) {
        if (prompts.size() != predicted.length) {
            throw new IllegalArgumentException(prompts.size() + " prompts but " + predicted.length + " predictions");
        }
        int matching = 0;
        int scored = 0;
        for (int i = 0; i < predicted.length; i++) {
            OptionalInt label = classes.labelOf(prompts.get(i));
            if (label.isPresent()) {
                scored++;
                matching += label.getAsInt() == predicted[i] ? 1 : 0;
            }
        }
        return new PromptAdherence(matching, scored);
    }

    /** matching / scored; NaN when no prompt named a class. */
    public double share() {
        return scored == 0 ? Double.NaN : matching / (double) scored;
    }
}
