package dev.ladd.inference.batch;

/**
 * The bounded request queue is full: refused at once instead of a queue that grows without bound (the web layer
 * answers 429 with Retry-After: {@code dev.ladd.inference.web.InferenceProblems}).
 */
public class QueueFullException extends RuntimeException {

    private final int capacity;
    private final long retryAfterSeconds;

    public QueueFullException(int capacity, long retryAfterSeconds) {
        super("the generation queue is full (" + capacity + " requests waiting); retry later");
        this.capacity = capacity;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int capacity() {
        return capacity;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
