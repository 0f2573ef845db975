package dev.ladd.inference.batch;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** The bounded request queue is full: 429 with Retry-After, at once, instead of a queue that grows without bound. */
public class QueueFullException extends ErrorResponseException {

    public QueueFullException(int capacity, long retryAfterSeconds) {
        super(HttpStatus.TOO_MANY_REQUESTS, problem(capacity), null);
        getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
    }

    private static ProblemDetail problem(int capacity) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS,
                "the generation queue is full (" + capacity + " requests waiting); retry later");
        p.setTitle("Too many requests");
        p.setProperty("queueCapacity", capacity);
        return p;
    }

    @Override
    public String getMessage() {
        return getBody().getDetail();
    }
}
