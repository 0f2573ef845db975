package dev.ladd.ml.text;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Word-level tokenizer for the text encoder. {@link #words(String)} lower-cases and splits on whitespace and
 * punctuation; a '-' or an apostrophe between two letters or digits stays inside the word ("t-shirt" is one
 * token). Every encoding starts with {@code <cls>} (the position the text encoder may pool from), then the
 * words (unknown ones as {@code <unk>}), truncated to {@code maxLength} and padded with {@code <pad>}.
 *
 * <p>The vocabulary (ids = list positions, {@code <pad>}=0, {@code <unk>}=1, {@code <cls>}=2 first) and
 * {@code maxLength} are all there is to it: save {@link #vocabulary()} / {@link #toJson()} with the model
 * and rebuild with {@link #of(List, int)} / {@link #fromJson(String)} for identical encodings.
 */
public final class WordTokenizer {

    public static final String PAD = "<pad>";
    public static final String UNK = "<unk>";
    public static final String CLS = "<cls>";
    public static final int PAD_ID = 0;
    public static final int UNK_ID = 1;
    public static final int CLS_ID = 2;
    private static final List<String> SPECIALS = List.of(PAD, UNK, CLS);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final List<String> vocabulary;
    private final Map<String, Integer> ids;
    private final int maxLength;

    /** One text: {@code ids} of length maxLength, {@code mask} 1 for real tokens (incl. cls), 0 for padding. */
    public record Encoded(int[] ids, float[] mask) {
        /** Number of real tokens, {@code <cls>} included. */
        public int length() {
            int n = 0;
            for (float m : mask) {
                n += m > 0 ? 1 : 0;
            }
            return n;
        }
    }

    /** Several texts, row-major [batchSize, maxLength]. */
    public record EncodedBatch(int batchSize, int maxLength, int[] ids, float[] mask) {
    }

    private WordTokenizer(List<String> vocabulary, int maxLength) {
        if (maxLength < 2) {
            throw new IllegalArgumentException("maxLength must be at least 2 (<cls> and one word), got " + maxLength);
        }
        Objects.requireNonNull(vocabulary, "vocabulary");
        if (vocabulary.size() < SPECIALS.size() || !vocabulary.subList(0, SPECIALS.size()).equals(SPECIALS)) {
            throw new IllegalArgumentException("a vocabulary must start with " + SPECIALS + " (ids 0, 1, 2), got "
                    + vocabulary.subList(0, Math.min(SPECIALS.size(), vocabulary.size())));
        }
        Map<String, Integer> index = new HashMap<>();
        for (int id = 0; id < vocabulary.size(); id++) {
            String token = vocabulary.get(id);
            if (id >= SPECIALS.size() && !List.of(Objects.requireNonNullElse(token, "")).equals(words(token))) {
                throw new IllegalArgumentException("vocabulary entry " + id + " '" + token
                        + "' is not a single lower-case word, so no text could ever produce it");
            }
            Integer previous = index.put(token, id);
            if (previous != null) {
                throw new IllegalArgumentException("vocabulary entry '" + token + "' appears twice (ids "
                        + previous + " and " + id + ")");
            }
        }
        this.vocabulary = List.copyOf(vocabulary);
        this.ids = Map.copyOf(index);
        this.maxLength = maxLength;
    }

    /** Vocabulary: the special tokens, then every word of the corpus in alphabetical order. */
    public static WordTokenizer build(Collection<String> corpus, int maxLength) {
        TreeSet<String> words = new TreeSet<>();
        for (String text : corpus) {
            words.addAll(words(text));
        }
        List<String> vocabulary = new ArrayList<>(SPECIALS);
        vocabulary.addAll(words);
        return new WordTokenizer(vocabulary, maxLength);
    }

    /** A tokenizer from a saved {@link #vocabulary()}; refuses one without the special tokens in place. */
    public static WordTokenizer of(List<String> vocabulary, int maxLength) {
        return new WordTokenizer(vocabulary, maxLength);
    }

    /** The words of a text: lower-cased, split on whitespace and punctuation, inner '-' and '\'' kept. */
    public static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        if (text == null) {
            return words;
        }
        String lower = text.toLowerCase(Locale.ROOT);
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            boolean joiner = (c == '-' || c == '\'') && word.length() > 0
                    && i + 1 < lower.length() && Character.isLetterOrDigit(lower.charAt(i + 1));
            if (Character.isLetterOrDigit(c) || joiner) {
                word.append(c);
            } else if (word.length() > 0) {
                words.add(word.toString());
                word.setLength(0);
            }
        }
        if (word.length() > 0) {
            words.add(word.toString());
        }
        return words;
    }

    public Encoded encode(String text) {
        int[] tokenIds = new int[maxLength];
        float[] mask = new float[maxLength];
        encodeInto(text, tokenIds, mask, 0);
        return new Encoded(tokenIds, mask);
    }

    public EncodedBatch encodeBatch(List<String> texts) {
        int[] tokenIds = new int[texts.size() * maxLength];
        float[] mask = new float[texts.size() * maxLength];
        for (int b = 0; b < texts.size(); b++) {
            encodeInto(texts.get(b), tokenIds, mask, b * maxLength);
        }
        return new EncodedBatch(texts.size(), maxLength, tokenIds, mask);
    }

    private void encodeInto(String text, int[] tokenIds, float[] mask, int offset) {
        Arrays.fill(tokenIds, offset, offset + maxLength, PAD_ID);
        tokenIds[offset] = CLS_ID;
        mask[offset] = 1f;
        int position = 1;
        for (String word : words(text)) {
            if (position == maxLength) {
                break;
            }
            tokenIds[offset + position] = ids.getOrDefault(word, UNK_ID);
            mask[offset + position] = 1f;
            position++;
        }
    }

    /** The tokens of ids, padding left out; for logs and tests. */
    public List<String> decode(int[] tokenIds) {
        List<String> tokens = new ArrayList<>();
        for (int id : tokenIds) {
            if (id != PAD_ID) {
                tokens.add(id >= 0 && id < vocabulary.size() ? vocabulary.get(id) : UNK);
            }
        }
        return tokens;
    }

    /** The id of a token, {@link #UNK_ID} when it is not in the vocabulary. */
    public int id(String token) {
        return ids.getOrDefault(token, UNK_ID);
    }

    public List<String> vocabulary() {
        return vocabulary;
    }

    public int vocabularySize() {
        return vocabulary.size();
    }

    public int maxLength() {
        return maxLength;
    }

    /** {@code {"maxLength": n, "vocabulary": [...]}}. */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("maxLength", maxLength);
        ArrayNode words = root.putArray("vocabulary");
        vocabulary.forEach(words::add);
        return JSON.writeValueAsString(root);
    }

    /** The tokenizer {@link #toJson()} wrote; an {@link IllegalArgumentException} for anything else. */
    public static WordTokenizer fromJson(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("tokenizer JSON does not parse: " + e.getOriginalMessage(), e);
        }
        JsonNode maxLength = root.get("maxLength");
        JsonNode words = root.get("vocabulary");
        if (maxLength == null || !maxLength.isInt() || words == null || !words.isArray()) {
            throw new IllegalArgumentException("tokenizer JSON needs an int 'maxLength' and an array 'vocabulary'");
        }
        List<String> vocabulary = new ArrayList<>();
        for (JsonNode word : words.values()) {
            if (!word.isString()) {
                throw new IllegalArgumentException("tokenizer JSON vocabulary holds a non-string: " + word);
            }
            vocabulary.add(word.stringValue());
        }
        return new WordTokenizer(vocabulary, maxLength.intValue());
    }
}
