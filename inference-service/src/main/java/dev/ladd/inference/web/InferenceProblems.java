package dev.ladd.inference.web;

import dev.ladd.inference.batch.GenerationFailedException;
import dev.ladd.inference.batch.NoModelException;
import dev.ladd.inference.batch.QueueFullException;
import dev.ladd.inference.batch.ShuttingDownException;
import dev.ladd.platform.web.ProblemDetailsAdvice;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The one place inference-service's domain exceptions (the batcher's) become problem bodies. Ordered before
 * platform-support's {@link ProblemDetailsAdvice}, whose catch-all would otherwise answer them with a 500.
 */
@RestControllerAdvice
@Order(ProblemDetailsAdvice.ORDER - 1)
class InferenceProblems {

    @ExceptionHandler(QueueFullException.class)
    ResponseEntity<ProblemDetail> queueFull(QueueFullException e) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS, e.getMessage());
        p.setTitle("Too many requests");
        p.setProperty("queueCapacity", e.capacity());
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds())).body(p);
    }

    @ExceptionHandler(NoModelException.class)
    ResponseEntity<ProblemDetail> noModel(NoModelException e) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        p.setTitle("No model for alias");
        p.setProperty("alias", e.alias());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds())).body(p);
    }

    @ExceptionHandler(ShuttingDownException.class)
    ProblemDetail shuttingDown(ShuttingDownException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
    }

    /** Logged where it happened (DynamicBatcher); the message holds no internals. */
    @ExceptionHandler(GenerationFailedException.class)
    ProblemDetail generationFailed(GenerationFailedException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR, e.getMessage());
    }
}
