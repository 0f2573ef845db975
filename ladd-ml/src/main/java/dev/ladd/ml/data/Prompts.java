package dev.ladd.ml.data;

import dev.ladd.ml.text.WordTokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Random;

/**
 * Text prompts made from class labels: every class in every one of {@link #numPhrasings()} phrasings
 * ("a photo of an ankle boot", "a pair of trousers on a plain background", …). {@link #labelOf(String)} reads
 * back which class a prompt names, to score prompt adherence. {@link #UNCONDITIONAL} (the empty prompt) is the
 * prompt of classifier-free guidance.
 */
public final class Prompts {

    /** The empty prompt: no class, for classifier-free guidance. */
    public static final String UNCONDITIONAL = "";

    /** Phrasings; {@code {x}} is the class noun with its article ("a sandal", "an ankle boot"). */
    private static final List<String> TEMPLATES = List.of(
            "a photo of {x}",
            "{x}, product shot",
            "{x} on a plain background",
            "an image of {x}",
            "a black and white photo of {x}",
            "a grayscale picture of {x}",
            "a low resolution photo of {x}",
            "a centered photo of {x}");

    /** One class: the noun used in prompts and every word or phrase {@link #labelOf} takes as naming it. */
    private record ClassNoun(String noun, List<String> aliases) {
    }

    private static final Prompts FASHION_MNIST = new Prompts(List.of(
            new ClassNoun("t-shirt", List.of("t-shirt", "t-shirts", "tshirt", "tshirts", "t shirt", "t shirts",
                    "tee", "tees", "tee shirt", "tee shirts")),
            new ClassNoun("pair of trousers", List.of("trouser", "trousers", "pants", "jeans")),
            new ClassNoun("pullover", List.of("pullover", "pullovers", "sweater", "sweaters", "jumper", "jumpers")),
            new ClassNoun("dress", List.of("dress", "dresses")),
            new ClassNoun("coat", List.of("coat", "coats", "jacket", "jackets")),
            new ClassNoun("sandal", List.of("sandal", "sandals")),
            new ClassNoun("shirt", List.of("shirt", "shirts")),
            new ClassNoun("sneaker", List.of("sneaker", "sneakers", "trainer", "trainers")),
            new ClassNoun("bag", List.of("bag", "bags", "handbag", "handbags")),
            new ClassNoun("ankle boot", List.of("ankle boot", "ankle boots", "boot", "boots"))));

    private final List<ClassNoun> classes;
    /** Alias (its words joined by single spaces) → label. */
    private final Map<String, Integer> labelsByAlias;
    private final int longestAlias;

    private Prompts(List<ClassNoun> classes) {
        this.classes = List.copyOf(classes);
        Map<String, Integer> aliases = new HashMap<>();
        int longest = 0;
        for (int label = 0; label < classes.size(); label++) {
            for (String alias : classes.get(label).aliases()) {
                List<String> words = WordTokenizer.words(alias);
                if (words.isEmpty()) {
                    throw new IllegalArgumentException("class " + label + " has an alias without words: '" + alias + "'");
                }
                longest = Math.max(longest, words.size());
                String key = String.join(" ", words);
                Integer previous = aliases.put(key, label);
                if (previous != null && previous != label) {
                    throw new IllegalArgumentException("'" + alias + "' names two classes, " + previous + " and " + label);
                }
            }
        }
        this.labelsByAlias = Map.copyOf(aliases);
        this.longestAlias = longest;
    }

    /** The prompts of Fashion-MNIST's 10 classes, in label order. */
    public static Prompts fashionMnist() {
        return FASHION_MNIST;
    }

    /**
     * Prompts for other classes (e.g. {@link TinyDataset}'s shapes): each noun, lower-cased, is the noun of
     * its label and the only thing {@link #labelOf} recognises for it.
     */
    public static Prompts forClasses(List<String> nouns) {
        List<ClassNoun> classes = new ArrayList<>();
        for (String noun : nouns) {
            String words = String.join(" ", WordTokenizer.words(noun));
            classes.add(new ClassNoun(words, List.of(words)));
        }
        return new Prompts(classes);
    }

    public int numClasses() {
        return classes.size();
    }

    public int numPhrasings() {
        return TEMPLATES.size();
    }

    /** The natural lower-case noun of a class, without article ("ankle boot", "pair of trousers"). */
    public String className(int label) {
        return classes.get(label).noun();
    }

    /** Prompt for a label in phrasing 0 … {@link #numPhrasings()} − 1. */
    public String prompt(int label, int phrasing) {
        Objects.checkIndex(label, classes.size());
        Objects.checkIndex(phrasing, TEMPLATES.size());
        String noun = className(label);
        return TEMPLATES.get(phrasing).replace("{x}", article(noun) + " " + noun);
    }

    public String randomPrompt(int label, Random rng) {
        return prompt(label, rng.nextInt(TEMPLATES.size()));
    }

    /** One random phrasing per label, e.g. for a training batch. */
    public List<String> randomPrompts(int[] labels, Random rng) {
        List<String> prompts = new ArrayList<>(labels.length);
        for (int label : labels) {
            prompts.add(randomPrompt(label, rng));
        }
        return prompts;
    }

    /** Every prompt, label by label, phrasing by phrasing (e.g. the tokenizer's corpus). */
    public List<String> allPrompts() {
        List<String> prompts = new ArrayList<>(classes.size() * TEMPLATES.size());
        for (int label = 0; label < classes.size(); label++) {
            for (int phrasing = 0; phrasing < TEMPLATES.size(); phrasing++) {
                prompts.add(prompt(label, phrasing));
            }
        }
        return prompts;
    }

    /**
     * The class a prompt names, case and punctuation aside: empty when it names none (the unconditional
     * prompt) or several different ones. Longer names win over their parts ("t shirt" is a t-shirt, not a shirt).
     */
    public OptionalInt labelOf(String prompt) {
        List<String> words = WordTokenizer.words(prompt);
        Integer found = null;
        int i = 0;
        while (i < words.size()) {
            int length = longestAliasAt(words, i);
            if (length == 0) {
                i++;
                continue;
            }
            Integer label = labelsByAlias.get(String.join(" ", words.subList(i, i + length)));
            if (found != null && !found.equals(label)) {
                return OptionalInt.empty();
            }
            found = label;
            i += length;
        }
        return found == null ? OptionalInt.empty() : OptionalInt.of(found);
    }

    /** Number of words of the longest alias starting at words[start], 0 when none does. */
    private int longestAliasAt(List<String> words, int start) {
        for (int length = Math.min(longestAlias, words.size() - start); length > 0; length--) {
            if (labelsByAlias.containsKey(String.join(" ", words.subList(start, start + length)))) {
                return length;
            }
        }
        return 0;
    }

    /** "an" before a vowel sound written with a vowel letter, "a" otherwise. */
    static String article(String noun) {
        return !noun.isEmpty() && "aeiou".indexOf(Character.toLowerCase(noun.charAt(0))) >= 0 ? "an" : "a";
    }
}
