package dev.ladd.gateway;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * Problems the gateway answers with a status other than platform-support's 400/404: thrown as Spring's
 * {@link ErrorResponseException}, which platform-support's advice turns into an {@code application/problem+json}
 * body with the exception's status and headers (e.g. Retry-After).
 */
public final class Problems {

    private Problems() {
    }

    public static ErrorResponseException of(HttpStatusCode status, String detail) {
        return new ErrorResponseException(status, ProblemDetail.forStatusAndDetail(status, detail), null);
    }

    public static ErrorResponseException conflict(String detail) {
        return of(HttpStatus.CONFLICT, detail);
    }

    public static ErrorResponseException badRequest(String detail) {
        return of(HttpStatus.BAD_REQUEST, detail);
    }

    /** A 400 naming one field, shaped like platform-support's validation problems. */
    public static ErrorResponseException badField(String field, String message) {
        ErrorResponseException e = of(HttpStatus.BAD_REQUEST, "the request has invalid fields");
        e.getBody().setProperty("errors", java.util.List.of(java.util.Map.of("field", field, "message", message)));
        return e;
    }

    public static ErrorResponseException unavailable(String detail) {
        return of(HttpStatus.SERVICE_UNAVAILABLE, detail);
    }

    public static ErrorResponseException tooManyRequests(String detail, long retryAfterSeconds) {
        ErrorResponseException e = of(HttpStatus.TOO_MANY_REQUESTS, detail);
        e.getHeaders().set("Retry-After", Long.toString(Math.max(1, retryAfterSeconds)));
        return e;
    }
}
