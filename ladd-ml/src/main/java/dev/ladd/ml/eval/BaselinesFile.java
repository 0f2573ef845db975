package dev.ladd.ml.eval;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A teacher's baselines as a file shipped beside it ({@code models/default/baselines.json}), so that a fresh
 * platform never computes the default teacher's: written by ladd-tools' {@code baselines} command, imported at
 * start ({@code ladd.eval.baseline-files}) when the teacher beside it and the metrics classifier are the ones it
 * names. Version 1:
 * <pre>
 * {
 *   "format": "ladd-eval-baselines/1",
 *   "teacher": {"weightsFile": "teacher.safetensors", "weightsSha256": "…",
 *               "autoencoderWeightsFile": "autoencoder.safetensors", "autoencoderWeightsSha256": "…"},
 *   "classifier": {"weightsSha256": "…"},                       (the metrics classifier's weights)
 *   "evaluationSet": {"prompts": "…", "firstSeed": 900000000},   (how prompt and seed i are made)
 *   "provenance": {"command": "…", "date": "…", "wallSeconds": …, …},
 *   "baselines": [{"samples": 5000, "steps": 50, "cfgScale": 1.5, "fid": …, "precision": …, "recall": …,
 *                  "adherence": …, "msPerImageBatch1": …, "msPerImageBatch64": …, "imagesPerSecond": …}, …]
 * }
 * </pre>
 * File names are relative to the file's folder. Every field is required; {@link #problems()} names what is wrong.
 */
public record BaselinesFile(String format, Teacher teacher, Classifier classifier, EvaluationSet evaluationSet,
                            Map<String, Object> provenance, List<Entry> baselines) {

    public static final String FORMAT = "ladd-eval-baselines/1";

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    public record Teacher(String weightsFile, String weightsSha256, String autoencoderWeightsFile,
                          String autoencoderWeightsSha256) {
    }

    public record Classifier(String weightsSha256) {
    }

    /**
     * @param prompts   how prompt i is made
     * @param firstSeed seed i is firstSeed + i
     */
    public record EvaluationSet(String prompts, Long firstSeed) {
    }

    /** One baseline: the teacher at {@code steps} Euler steps with guidance {@code cfgScale} over {@code samples}. */
    public record Entry(Integer samples, Integer steps, Double cfgScale, Double fid, Double precision, Double recall,
                        Double adherence, Double msPerImageBatch1, Double msPerImageBatch64, Double imagesPerSecond) {

        public static Entry of(ModelScore s) {
            return new Entry(s.samples(), s.steps(), s.cfgScale(), s.fid(), s.precision(), s.recall(), s.adherence(),
                    s.msPerImageBatch1(), s.msPerImageBatch64(), s.imagesPerSecond());
        }

        public ModelScore score() {
            return new ModelScore(ModelScore.TEACHER, steps, cfgScale, fid, precision, recall, adherence, msPerImageBatch1,
                    msPerImageBatch64, imagesPerSecond, samples);
        }

        String label() {
            return String.format(Locale.ROOT, "teacher@%s+CFG%s over %s samples", steps, cfgScale, samples);
        }
    }

    /** Reads a file; a syntax error, a wrong type or an unknown field is an {@link IllegalArgumentException} naming it. */
    public static BaselinesFile read(byte[] json) {
        try {
            return JSON.readValue(json, BaselinesFile.class);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not a baselines file (" + FORMAT + "): " + e.getOriginalMessage(), e);
        }
    }

    public byte[] toJson() {
        return JSON.writeValueAsBytes(this);
    }

    /** What is wrong with the file's content; empty when it can be imported as far as it alone can tell. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (!FORMAT.equals(format)) {
            problems.add("format is " + format + ", expected " + FORMAT);
        }
        if (teacher == null) {
            problems.add("teacher is missing");
        } else {
            requireFile("teacher.weightsFile", teacher.weightsFile(), problems);
            requireSha("teacher.weightsSha256", teacher.weightsSha256(), problems);
            requireFile("teacher.autoencoderWeightsFile", teacher.autoencoderWeightsFile(), problems);
            requireSha("teacher.autoencoderWeightsSha256", teacher.autoencoderWeightsSha256(), problems);
        }
        if (classifier == null) {
            problems.add("classifier is missing");
        } else {
            requireSha("classifier.weightsSha256", classifier.weightsSha256(), problems);
        }
        if (evaluationSet == null || evaluationSet.prompts() == null || evaluationSet.firstSeed() == null) {
            problems.add("evaluationSet needs prompts and firstSeed");
        }
        if (provenance == null || !(provenance.get("command") instanceof String) || !(provenance.get("date") instanceof String)) {
            problems.add("provenance needs the command and the date");
        }
        if (baselines == null || baselines.isEmpty()) {
            problems.add("baselines is empty");
            return problems;
        }
        Set<List<Object>> keys = new HashSet<>();
        for (int i = 0; i < baselines.size(); i++) {
            Entry e = baselines.get(i);
            String at = "baselines[" + i + "]";
            if (e == null || Objects.isNull(e.samples()) || Objects.isNull(e.steps()) || Objects.isNull(e.cfgScale())
                    || Objects.isNull(e.fid()) || Objects.isNull(e.precision()) || Objects.isNull(e.recall())
                    || Objects.isNull(e.adherence()) || Objects.isNull(e.msPerImageBatch1())
                    || Objects.isNull(e.msPerImageBatch64()) || Objects.isNull(e.imagesPerSecond())) {
                problems.add(at + ": every field is required (samples, steps, cfgScale, fid, precision, recall, "
                        + "adherence, msPerImageBatch1, msPerImageBatch64, imagesPerSecond)");
                continue;
            }
            range(at + ".samples", e.samples(), 10, 100_000, problems);
            range(at + ".steps", e.steps(), 1, 1000, problems);
            range(at + ".cfgScale", e.cfgScale(), 0, 20, problems);
            range(at + ".fid", e.fid(), 0, Double.MAX_VALUE, problems);
            range(at + ".precision", e.precision(), 0, 1, problems);
            range(at + ".recall", e.recall(), 0, 1, problems);
            range(at + ".adherence", e.adherence(), 0, 1, problems);
            positive(at + ".msPerImageBatch1", e.msPerImageBatch1(), problems);
            positive(at + ".msPerImageBatch64", e.msPerImageBatch64(), problems);
            positive(at + ".imagesPerSecond", e.imagesPerSecond(), problems);
            if (!keys.add(List.of(e.samples(), e.steps(), e.cfgScale()))) {
                problems.add(at + ": " + e.label() + " appears twice");
            }
        }
        return problems;
    }

    private static void requireFile(String field, String name, List<String> problems) {
        if (name == null || name.isBlank() || name.contains("/") || name.contains("\\")) {
            problems.add(field + " must name a file in the baselines file's folder, got " + name);
        }
    }

    private static void requireSha(String field, String sha, List<String> problems) {
        if (sha == null || !SHA256.matcher(sha).matches()) {
            problems.add(field + " must be 64 lowercase hex digits, got " + sha);
        }
    }

    private static void range(String field, double value, double min, double max, List<String> problems) {
        if (!(value >= min && value <= max)) {
            problems.add(field + " must be within [" + min + ", " + max + "], got " + value);
        }
    }

    private static void positive(String field, double value, List<String> problems) {
        if (!(value > 0 && Double.isFinite(value))) {
            problems.add(field + " must be a positive number, got " + value);
        }
    }
}
