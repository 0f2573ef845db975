package dev.ladd.trainer.run;

import com.fasterxml.jackson.annotation.JsonValue;

/** requested → waiting-for-data → training → completed | failed | cancelled. */
public enum RunState {
    REQUESTED, WAITING_FOR_DATA, TRAINING, COMPLETED, FAILED, CANCELLED;

    /** The name used in the database and the API: lower case with dashes, e.g. "waiting-for-data". */
    @JsonValue
    public String label() {
        return name().toLowerCase().replace('_', '-');
    }

    public static RunState fromLabel(String label) {
        return valueOf(label.toUpperCase().replace('-', '_'));
    }

    public boolean isFinal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }
}
