package dev.ladd.eval.scoring;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.ladd.events.v1.ScoringPass;

import java.util.Locale;

/**
 * The two scoring passes of a checkpoint: {@code quick} on the evaluation set's first {@code ladd.eval.quick-samples}
 * prompts, so that it can be compared and promoted within minutes, then {@code full} on {@code ladd.eval.samples},
 * which supersedes it. Written in lower case everywhere (database, API, log).
 */
public enum Pass {
    QUICK, FULL;

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Pass of(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }

    public ScoringPass toProto() {
        return this == QUICK ? ScoringPass.SCORING_PASS_QUICK : ScoringPass.SCORING_PASS_FULL;
    }

    @Override
    public String toString() {
        return label();
    }
}
