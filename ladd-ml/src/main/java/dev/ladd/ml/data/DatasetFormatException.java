package dev.ladd.ml.data;

import java.io.IOException;

/** A dataset file is there but its content is wrong: bad IDX magic, odd dimensions, truncated, mismatched counts. */
public class DatasetFormatException extends IOException {
    public DatasetFormatException(String message) {
        super(message);
    }

    public DatasetFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
