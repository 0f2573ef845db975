package dev.ladd.ml.checkpoint;

import java.io.IOException;

/** A checkpoint manifest that cannot be read: the message names the missing or bad field. */
public class CheckpointManifestException extends IOException {

    public CheckpointManifestException(String message) {
        super(message);
    }

    public CheckpointManifestException(String message, Throwable cause) {
        super(message, cause);
    }
}
