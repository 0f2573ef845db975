package dev.ladd.inference.batch;

/**
 * No model is loaded for the alias (none desired yet, or still loading); the web layer answers 503 with Retry-After
 * ({@code dev.ladd.inference.web.InferenceProblems}).
 */
public class NoModelException extends RuntimeException {

    private final String alias;
    private final long retryAfterSeconds;

    public NoModelException(String alias, long retryAfterSeconds) {
        super("no model is loaded for alias '" + alias + "' on this replica");
        this.alias = alias;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public String alias() {
        return alias;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
