package dev.ladd.inference.model;

/**
 * A model could not be made ready to serve; the message says which step failed and why. {@link #isTransient()}: the
 * checkpoint may be fine and a later try may succeed (a blob that could not be read: a shared volume's hiccup); any
 * other failure is the checkpoint's own (corrupt, does not load, fails its smoke test) and is not retried.
 */
public class ModelLoadException extends Exception {

    private final boolean transientFailure;

    public ModelLoadException(String message) {
        this(message, null, false);
    }

    public ModelLoadException(String message, Throwable cause) {
        this(message, cause, false);
    }

    private ModelLoadException(String message, Throwable cause, boolean transientFailure) {
        super(message, cause);
        this.transientFailure = transientFailure;
    }

    /** A failure that a later try may not meet. */
    public static ModelLoadException transientFailure(String message, Throwable cause) {
        return new ModelLoadException(message, cause, true);
    }

    public boolean isTransient() {
        return transientFailure;
    }
}
