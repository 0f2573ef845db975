package dev.ladd.platform.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a secret given in configuration (the gateway's bootstrap admin key, the service token) must be: long, random
 * and no sample value. {@link #weakness} says what is wrong without ever repeating the secret, so the reason can be
 * logged; {@link #equal} compares two secrets in constant time.
 *
 * <p>The checks are heuristics against the usual mistakes — a value copied from {@code .env.example}, a word, a
 * short or repetitive string —, not a proof of randomness: the documented way to make one
 * ({@value #HOW_TO_MAKE_ONE}) always passes.
 */
public final class Secrets {

    public static final int MIN_LENGTH = 32;
    public static final int MAX_LENGTH = 200;
    public static final int MIN_DISTINCT_CHARACTERS = 10;
    /**
     * Bits, estimated as length × the Shannon entropy of the secret's own characters: catches few or unevenly used
     * characters. Random secrets of the documented shapes estimate far above it (32 base64url characters: 121 bits or
     * more in 300,000 draws; 32 hex digits: 89 or more), so none is refused by chance.
     */
    public static final int MIN_ESTIMATED_BITS = 80;
    public static final String HOW_TO_MAKE_ONE = "head -c 36 /dev/urandom | base64 | tr '+/' '-_' | tr -d '='";

    /** URL- and header-safe: base64 (both alphabets), hex, and the unreserved characters. */
    private static final Pattern CHARACTERS = Pattern.compile("[A-Za-z0-9._~+/=-]+");
    /**
     * Words of sample values (.env.example, documentation), found as whole words (between non-alphanumerics or the
     * ends, any case): as bare substrings, random base64 contains one of the short ones now and then ("…TOKEN…" in
     * about one in 10^5 keys), and a sound key must never be refused by chance.
     */
    private static final List<Pattern> PLACEHOLDER_WORDS = List.of("change-me", "changeme", "change_me", "replace-me",
                    "replaceme", "placeholder", "example", "your", "secret", "password", "admin-key", "token").stream()
            .map(word -> Pattern.compile("(?<![A-Za-z0-9])" + Pattern.quote(word) + "(?![A-Za-z0-9])", Pattern.CASE_INSENSITIVE))
            .toList();
    /** Keyboard and counting runs of sample values, as written (lower case): never in a random secret in practice. */
    private static final List<String> PLACEHOLDER_RUNS = List.of("0123456789", "abcdefgh", "qwerty", "xxxxxx");

    private Secrets() {
    }

    /** @return why {@code secret} is not acceptable, or empty when it is; never contains the secret */
    public static Optional<String> weakness(String secret) {
        if (secret == null || secret.isBlank()) {
            return Optional.of("it is not set");
        }
        if (secret.length() < MIN_LENGTH) {
            return Optional.of("it is " + secret.length() + " characters long; at least " + MIN_LENGTH + " are required");
        }
        if (secret.length() > MAX_LENGTH) {
            return Optional.of("it is " + secret.length() + " characters long; at most " + MAX_LENGTH + " are allowed");
        }
        if (!CHARACTERS.matcher(secret).matches()) {
            return Optional.of("it contains characters other than A-Z a-z 0-9 . _ ~ + / = -");
        }
        for (Pattern word : PLACEHOLDER_WORDS) {
            Matcher found = word.matcher(secret);
            if (found.find()) {
                return Optional.of("it looks like a sample value (it contains the word '"
                        + found.group().toLowerCase(Locale.ROOT) + "')");
            }
        }
        for (String run : PLACEHOLDER_RUNS) {
            if (secret.contains(run)) {
                return Optional.of("it looks like a sample value (it contains '" + run + "')");
            }
        }
        for (int period = 1; period <= secret.length() / 2; period++) {
            if (repeats(secret, period)) {
                return Optional.of("it repeats a " + period + "-character pattern");
            }
        }
        long distinct = secret.chars().distinct().count();
        if (distinct < MIN_DISTINCT_CHARACTERS) {
            return Optional.of("it uses only " + distinct + " distinct characters; at least " + MIN_DISTINCT_CHARACTERS
                    + " are required");
        }
        double bits = estimatedBits(secret);
        if (bits < MIN_ESTIMATED_BITS) {
            return Optional.of(String.format(Locale.ROOT, "its estimated entropy is %.0f bits; at least %d are required "
                    + "(some characters are used far more often than others)", bits, MIN_ESTIMATED_BITS));
        }
        return Optional.empty();
    }

    /** Length × the Shannon entropy of the secret's character frequencies: low for few or unevenly used characters. */
    static double estimatedBits(String secret) {
        Map<Character, Integer> counts = new HashMap<>();
        for (char c : secret.toCharArray()) {
            counts.merge(c, 1, Integer::sum);
        }
        double perChar = 0;
        for (int count : counts.values()) {
            double p = (double) count / secret.length();
            perChar -= p * Math.log(p) / Math.log(2);
        }
        return perChar * secret.length();
    }

    private static boolean repeats(String s, int period) {
        for (int i = period; i < s.length(); i++) {
            if (s.charAt(i) != s.charAt(i - period)) {
                return false;
            }
        }
        return true;
    }

    /** Constant-time comparison (of the SHA-256 digests, so neither the content nor the length leaks by timing). */
    public static boolean equal(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return MessageDigest.isEqual(sha256(a), sha256(b));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
