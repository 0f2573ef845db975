package dev.ladd.gateway.checkpoint;

import com.fasterxml.jackson.annotation.JsonValue;

/** Where eval-service's scoring of a checkpoint stands, as the gateway knows it (column {@code score_state}, JSON). */
public enum ScoreState {
    UNSCORED("unscored"), SCORED("scored"), REFUSED("refused");

    private final String value;

    ScoreState(String value) {
        this.value = value;
    }

    /** The form stored and sent: lower case. */
    @JsonValue
    public String value() {
        return value;
    }

    public static ScoreState of(String value) {
        for (ScoreState s : values()) {
            if (s.value.equals(value)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown score state '" + value + "'");
    }
}
