package dev.ladd.inference.batch;

/**
 * The model call of a batch failed (not the client's fault); the web layer answers 500 with this message, which
 * holds no internals (the log has the cause).
 */
public class GenerationFailedException extends RuntimeException {

    public GenerationFailedException(String detail, Throwable cause) {
        super(detail, cause);
    }
}
