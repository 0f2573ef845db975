package dev.ladd.ml.metrics;

import dev.ladd.ml.data.Prompts;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PromptAdherenceTest {

    @Test
    void promptAdherenceCountsSamplesInTheClassTheirPromptNames() {
        Prompts prompts = Prompts.fashionMnist();
        List<String> texts = List.of(prompts.prompt(9, 0), prompts.prompt(9, 3), "a photo of a sneaker",
                "two trousers", Prompts.UNCONDITIONAL, "a shirt and a bag");
        int[] predicted = {9, 7, 7, 0, 3, 6};

        PromptAdherence adherence = PromptAdherence.of(texts, predicted, prompts);

        assertThat(adherence).isEqualTo(new PromptAdherence(2, 4)); // the unconditional and the two-class prompt are not scored
        assertThat(adherence.share()).isCloseTo(0.5, within(1e-15));
        assertThat(PromptAdherence.of(List.of(""), new int[]{1}, prompts).share()).isNaN();
        assertThatThrownBy(() -> PromptAdherence.of(texts, new int[]{1}, prompts)).isInstanceOf(IllegalArgumentException.class);
    }
}
