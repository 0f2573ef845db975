package dev.ladd.ml.data;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class PromptsTest {

    private final Prompts prompts = Prompts.fashionMnist();

    @Test
    void everyClassHasAtLeastFiveDistinctPhrasings() {
        assertThat(prompts.numClasses()).isEqualTo(10);
        assertThat(prompts.numPhrasings()).isGreaterThanOrEqualTo(5);
        for (int label = 0; label < 10; label++) {
            var phrasings = new HashSet<String>();
            for (int p = 0; p < prompts.numPhrasings(); p++) {
                phrasings.add(prompts.prompt(label, p));
            }
            assertThat(phrasings).hasSize(prompts.numPhrasings());
        }
        assertThat(prompts.allPrompts()).hasSize(10 * prompts.numPhrasings()).doesNotHaveDuplicates();
    }

    @Test
    void everyPromptNamesItsOwnClass() {
        for (int label = 0; label < 10; label++) {
            for (int p = 0; p < prompts.numPhrasings(); p++) {
                assertThat(prompts.labelOf(prompts.prompt(label, p)))
                        .as(prompts.prompt(label, p)).isEqualTo(OptionalInt.of(label));
            }
        }
    }

    @Test
    void usesNaturalNounsWithTheRightArticle() {
        assertThat(prompts.prompt(9, 0)).isEqualTo("a photo of an ankle boot");
        assertThat(prompts.prompt(0, 0)).isEqualTo("a photo of a t-shirt");
        assertThat(prompts.prompt(1, 2)).isEqualTo("a pair of trousers on a plain background");
        assertThat(prompts.prompt(7, 1)).isEqualTo("a sneaker, product shot");
        assertThat(prompts.allPrompts()).noneMatch(p -> p.contains("a ankle") || p.contains("an t-")
                || p.contains("a  ") || !p.equals(p.toLowerCase()));
        assertThat(prompts.className(0)).isEqualTo("t-shirt");
        assertThat(prompts.className(9)).isEqualTo("ankle boot");
    }

    @Test
    void readsTheClassOfFreeTextPrompts() {
        assertThat(prompts.labelOf("A T-Shirt.")).hasValue(0);
        assertThat(prompts.labelOf("a white t shirt")).hasValue(0);
        assertThat(prompts.labelOf("a plain shirt")).hasValue(6);
        assertThat(prompts.labelOf("black trousers")).hasValue(1);
        assertThat(prompts.labelOf("Boots!")).hasValue(9);
        assertThat(prompts.labelOf("an ankle boot next to another boot")).hasValue(9);
        assertThat(prompts.labelOf("a shirt and a dress")).isEmpty();
        assertThat(prompts.labelOf("a photo of a cat")).isEmpty();
        assertThat(prompts.labelOf(Prompts.UNCONDITIONAL)).isEmpty();
    }

    @Test
    void randomPromptsAreDeterministicForASeedAndMatchTheirLabel() {
        int[] labels = {0, 3, 9, 9, 5};

        List<String> first = prompts.randomPrompts(labels, new Random(42));
        List<String> second = prompts.randomPrompts(labels, new Random(42));

        assertThat(first).isEqualTo(second);
        for (int i = 0; i < labels.length; i++) {
            assertThat(prompts.labelOf(first.get(i))).hasValue(labels[i]);
        }
        assertThat(prompts.allPrompts()).contains(prompts.randomPrompt(4, new Random(1)));
    }

    @Test
    void promptsForOtherClassesReadBackToo() {
        Prompts shapes = TinyDataset.prompts(10);

        assertThat(shapes.prompt(3, 0)).isEqualTo("a photo of a ring");
        for (int label = 0; label < 10; label++) {
            for (int p = 0; p < shapes.numPhrasings(); p++) {
                assertThat(shapes.labelOf(shapes.prompt(label, p))).hasValue(label);
            }
        }
        assertThat(Prompts.forClasses(List.of("apple", "hour")).prompt(0, 0)).isEqualTo("a photo of an apple");
    }
}
