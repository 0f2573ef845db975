package dev.ladd.eval.web;

import dev.ladd.eval.scoring.CheckpointRefusedException;
import dev.ladd.eval.scoring.MetricsClassifier;
import dev.ladd.eval.scoring.UnusableModelException;
import dev.ladd.platform.web.ProblemDetailsAdvice;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The one place eval-service's domain exceptions become problem bodies; ordered before platform-support's
 * {@link ProblemDetailsAdvice}, whose catch-all would otherwise answer them with a 500.
 */
@RestControllerAdvice
@Order(ProblemDetailsAdvice.ORDER - 1)
class EvalProblems {

    /** The metrics classifier folder is unreadable: a configuration problem of the service, not of the request. */
    @ExceptionHandler(MetricsClassifier.UnavailableException.class)
    ProblemDetail classifierUnavailable(MetricsClassifier.UnavailableException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
    }

    /** A blob that went missing or bad after the checkpoint was verified: the model cannot be drawn. */
    @ExceptionHandler(UnusableModelException.class)
    ProblemDetail unusable(UnusableModelException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, "the model cannot be loaded: " + e.getMessage());
    }

    @ExceptionHandler(CheckpointRefusedException.class)
    ProblemDetail refused(CheckpointRefusedException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
    }
}
