package dev.ladd.gateway;

import dev.ladd.platform.web.ProblemDetailsAdvice;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

import java.util.List;
import java.util.Map;

/**
 * Problems the gateway answers with a status other than platform-support's 400/404: thrown as Spring's
 * {@link ErrorResponseException}, which platform-support's advice turns into an {@code application/problem+json}
 * body with the exception's status and headers (e.g. Retry-After) — or, under {@code /v1/}, into OpenAI's error
 * shape ({@link dev.ladd.gateway.web.OpenAiErrors}). Filters raise theirs through
 * {@link dev.ladd.gateway.web.FilterProblems}, so every error takes that one way.
 */
public final class Problems {

    /**
     * The problem property for a machine-readable code (e.g. {@code model_not_found}); OpenAI's {@code error.code}
     * under {@code /v1/}.
     */
    public static final String CODE = "code";

    private Problems() {
    }

    public static ErrorResponseException of(HttpStatusCode status, String detail) {
        return new ErrorResponseException(status, ProblemDetail.forStatusAndDetail(status, detail), null);
    }

    public static ErrorResponseException conflict(String detail) {
        return of(HttpStatus.CONFLICT, detail);
    }

    /** A 400 naming one field, shaped like platform-support's validation problems. */
    public static ErrorResponseException badField(String field, String message) {
        return new ErrorResponseException(HttpStatus.BAD_REQUEST,
                ProblemDetailsAdvice.invalidFields(List.of(Map.entry(field, message))), null);
    }

    public static ErrorResponseException unavailable(String detail) {
        return of(HttpStatus.SERVICE_UNAVAILABLE, detail);
    }

    public static ErrorResponseException tooManyRequests(String detail, long retryAfterSeconds) {
        ErrorResponseException e = of(HttpStatus.TOO_MANY_REQUESTS, detail);
        e.getHeaders().set("Retry-After", Long.toString(Math.max(1, retryAfterSeconds)));
        return e;
    }

    /** 401 with {@code WWW-Authenticate: Bearer}; {@code code} null or e.g. {@code invalid_api_key}. */
    public static ErrorResponseException unauthorized(String detail, String code) {
        ErrorResponseException e = withCode(of(HttpStatus.UNAUTHORIZED, detail), code);
        e.getHeaders().set("WWW-Authenticate", "Bearer");
        return e;
    }

    /**
     * No serving alias of that name: never promoted here and never reported by inference-service. A 404 (OpenAI's
     * {@code model_not_found}), not a 503: the official clients retry 5xx, so a typo would become retries.
     */
    public static ErrorResponseException modelNotFound(String model) {
        return withCode(of(HttpStatus.NOT_FOUND, "model '" + model + "' does not exist: no serving alias has that "
                + "name (GET /v1/models lists them)"), "model_not_found");
    }

    public static ErrorResponseException withCode(ErrorResponseException e, String code) {
        if (code != null) {
            e.getBody().setProperty(CODE, code);
        }
        return e;
    }
}
