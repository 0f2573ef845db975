package dev.ladd.ml.data;

import java.io.IOException;

/** A dataset folder or one of its files is missing; the message says how to install or point at it. */
public class DatasetNotFoundException extends IOException {
    public DatasetNotFoundException(String message) {
        super(message);
    }
}
