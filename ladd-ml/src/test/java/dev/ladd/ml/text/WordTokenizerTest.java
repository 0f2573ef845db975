package dev.ladd.ml.text;

import dev.ladd.ml.data.Prompts;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WordTokenizerTest {

    private final WordTokenizer tokenizer = WordTokenizer.build(List.of("a photo of a t-shirt", "an ankle boot, product shot."), 6);

    @Test
    void splitsOnWhitespaceAndPunctuationButKeepsInnerHyphens() {
        assertThat(WordTokenizer.words("A T-Shirt, product shot.")).containsExactly("a", "t-shirt", "product", "shot");
        assertThat(WordTokenizer.words("  -dash- women's\tcoat;bag ")).containsExactly("dash", "women's", "coat", "bag");
        assertThat(WordTokenizer.words("")).isEmpty();
    }

    @Test
    void buildsTheVocabularyWithTheSpecialTokensFirst() {
        assertThat(tokenizer.vocabulary()).containsExactly("<pad>", "<unk>", "<cls>",
                "a", "an", "ankle", "boot", "of", "photo", "product", "shot", "t-shirt");
        assertThat(tokenizer.vocabularySize()).isEqualTo(12);
        assertThat(tokenizer.maxLength()).isEqualTo(6);
    }

    @Test
    void encodesClsThenWordsThenPadding() {
        WordTokenizer.Encoded encoded = tokenizer.encode("A photo of a T-shirt");

        assertThat(encoded.ids()).containsExactly(WordTokenizer.CLS_ID, tokenizer.id("a"), tokenizer.id("photo"),
                tokenizer.id("of"), tokenizer.id("a"), tokenizer.id("t-shirt"));
        assertThat(encoded.mask()).containsExactly(1, 1, 1, 1, 1, 1);
        assertThat(tokenizer.decode(encoded.ids())).containsExactly("<cls>", "a", "photo", "of", "a", "t-shirt");

        WordTokenizer.Encoded shorter = tokenizer.encode("ankle boot");
        assertThat(shorter.ids()).containsExactly(2, tokenizer.id("ankle"), tokenizer.id("boot"), 0, 0, 0);
        assertThat(shorter.mask()).containsExactly(1, 1, 1, 0, 0, 0);
        assertThat(shorter.length()).isEqualTo(3);
    }

    @Test
    void unknownWordsBecomeUnk() {
        assertThat(tokenizer.encode("a photo of a cat").ids())
                .containsExactly(2, tokenizer.id("a"), tokenizer.id("photo"), tokenizer.id("of"), tokenizer.id("a"), 1);
        assertThat(tokenizer.id("cat")).isEqualTo(WordTokenizer.UNK_ID);
    }

    @Test
    void truncatesToMaxLength() {
        WordTokenizer.Encoded encoded = tokenizer.encode("a photo of a t-shirt, an ankle boot, product shot");

        assertThat(encoded.ids()).hasSize(6);
        assertThat(tokenizer.decode(encoded.ids())).containsExactly("<cls>", "a", "photo", "of", "a", "t-shirt");
        assertThat(encoded.length()).isEqualTo(6);
    }

    @Test
    void theEmptyPromptIsClsAndPadding() {
        WordTokenizer.Encoded encoded = tokenizer.encode(Prompts.UNCONDITIONAL);

        assertThat(encoded.ids()).containsExactly(2, 0, 0, 0, 0, 0);
        assertThat(encoded.mask()).containsExactly(1, 0, 0, 0, 0, 0);
        assertThat(tokenizer.encode(" ,. ").ids()).isEqualTo(encoded.ids());
    }

    @Test
    void encodesABatchRowMajor() {
        WordTokenizer.EncodedBatch batch = tokenizer.encodeBatch(List.of("ankle boot", "", "a cat"));

        assertThat(batch.batchSize()).isEqualTo(3);
        assertThat(batch.maxLength()).isEqualTo(6);
        assertThat(batch.ids()).containsExactly(
                2, tokenizer.id("ankle"), tokenizer.id("boot"), 0, 0, 0,
                2, 0, 0, 0, 0, 0,
                2, tokenizer.id("a"), 1, 0, 0, 0);
        assertThat(batch.mask()).containsExactly(
                1, 1, 1, 0, 0, 0,
                1, 0, 0, 0, 0, 0,
                1, 1, 1, 0, 0, 0);
    }

    @Test
    void aSavedVocabularyGivesIdenticalEncodings() {
        Prompts prompts = Prompts.fashionMnist();
        WordTokenizer built = WordTokenizer.build(prompts.allPrompts(), 12);
        WordTokenizer fromList = WordTokenizer.of(new ArrayList<>(built.vocabulary()), built.maxLength());
        WordTokenizer fromJson = WordTokenizer.fromJson(built.toJson());
        List<String> texts = new ArrayList<>(prompts.allPrompts());
        texts.add("a photo of a cat");
        texts.add(Prompts.UNCONDITIONAL);

        WordTokenizer.EncodedBatch expected = built.encodeBatch(texts);
        for (WordTokenizer restored : List.of(fromList, fromJson)) {
            WordTokenizer.EncodedBatch actual = restored.encodeBatch(texts);
            assertThat(actual.ids()).isEqualTo(expected.ids());
            assertThat(actual.mask()).isEqualTo(expected.mask());
            assertThat(restored.vocabulary()).isEqualTo(built.vocabulary());
        }
        assertThat(built.vocabulary()).contains("t-shirt", "ankle", "trousers").doesNotContain("shirt,", "t");
        assertThat(built.toJson()).startsWith("{\"maxLength\":12,\"vocabulary\":[\"<pad>\",\"<unk>\",\"<cls>\"");
    }

    @Test
    void refusesBadSettings() {
        assertThatThrownBy(() -> WordTokenizer.build(List.of("a"), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxLength must be at least 2");
        assertThatThrownBy(() -> WordTokenizer.of(List.of("<unk>", "<pad>", "<cls>", "a"), 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must start with [<pad>, <unk>, <cls>]");
        assertThatThrownBy(() -> WordTokenizer.of(List.of("a", "b"), 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must start with");
        assertThatThrownBy(() -> WordTokenizer.of(List.of("<pad>", "<unk>", "<cls>", "a", "a"), 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a' appears twice");
        assertThatThrownBy(() -> WordTokenizer.of(List.of("<pad>", "<unk>", "<cls>", "Shirt"), 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a single lower-case word");
        assertThatThrownBy(() -> WordTokenizer.fromJson("{\"vocabulary\":[]}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxLength");
        assertThatThrownBy(() -> WordTokenizer.fromJson("not json"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not parse");
    }
}
