package dev.ladd.teacher.training;

import com.fasterxml.jackson.annotation.JsonValue;

/** Where a training job stands (column {@code training_job.state} and JSON: lower case, as before the enum). */
public enum JobState {
    QUEUED, RUNNING, STOPPING, STOPPED, COMPLETED, FAILED;

    /** The form stored and sent. */
    @JsonValue
    public String value() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static JobState of(String value) {
        return valueOf(value.toUpperCase(java.util.Locale.ROOT));
    }

    /** Whether a worker still has to run (or finish stopping) it. */
    public boolean open() {
        return this == QUEUED || this == RUNNING || this == STOPPING;
    }

    @Override
    public String toString() {
        return value();
    }
}
