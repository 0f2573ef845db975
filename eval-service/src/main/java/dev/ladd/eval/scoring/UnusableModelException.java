package dev.ladd.eval.scoring;

/**
 * A checkpoint (or the teacher or autoencoder it names) cannot be used: a blob is missing or fails its
 * checksum, a manifest does not match its weights, or the models do not fit together. The checkpoint is
 * refused with this message; retrying would not help.
 */
public class UnusableModelException extends Exception {
    public UnusableModelException(String message, Throwable cause) {
        super(message, cause);
    }

    public UnusableModelException(String message) {
        super(message);
    }
}
