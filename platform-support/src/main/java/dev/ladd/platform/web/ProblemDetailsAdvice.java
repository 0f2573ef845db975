package dev.ladd.platform.web;

import jakarta.validation.ConstraintViolationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

import java.math.BigInteger;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Every error a client causes becomes a 4xx {@code application/problem+json} body that names what is
 * wrong; nothing reaches the client as a stack trace. Unexpected failures become a 500 problem without
 * internals, and are logged here with their stack trace.
 * <p>
 * A service maps its own domain exceptions in one advice of its own, ordered before this one ({@code @Order(ORDER - 1)}):
 * Spring asks the advices in order and takes the first that handles the exception at all, and this one handles every
 * {@link Exception} (as a 500).
 */
@RestControllerAdvice
@Order(ProblemDetailsAdvice.ORDER)
public class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

    /** This advice's order: early (before any advice without an order), yet leaving room for a service's own. */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

    private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

    @ExceptionHandler(NotFoundException.class)
    ProblemDetail notFound(NotFoundException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
    }

    @ExceptionHandler({IllegalArgumentException.class, ConstraintViolationException.class})
    ProblemDetail badRequest(RuntimeException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    /**
     * The database (or a connection from the pool) is not available for now — PostgreSQL restarting, say: a 503 with
     * {@code Retry-After}, which a client may retry, not a 500 (found by the chaos suite, docs/reliability.md).
     */
    @ExceptionHandler({DataAccessResourceFailureException.class, TransientDataAccessException.class,
            CannotCreateTransactionException.class})
    ResponseEntity<ProblemDetail> databaseUnavailable(Exception e) {
        log.warn("the database is unavailable: {}", e.getMessage());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER,
                        String.valueOf(DATABASE_RETRY_AFTER_SECONDS))
                .body(ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, DATABASE_UNAVAILABLE));
    }

    /** What a request that needed the database while it was unavailable is told. */
    public static final String DATABASE_UNAVAILABLE = "the database is unavailable for the moment; try again shortly";
    public static final int DATABASE_RETRY_AFTER_SECONDS = 5;

    /** True for a failure that means "the database is not available now" rather than a bug. */
    public static boolean isDatabaseUnavailable(Throwable e) {
        return e instanceof DataAccessResourceFailureException || e instanceof TransientDataAccessException
                || e instanceof CannotCreateTransactionException;
    }

    @ExceptionHandler(Exception.class)
    ProblemDetail unexpected(Exception e) {
        log.error("unexpected error while handling a request", e);
        return ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "internal error; the server log has the details");
    }

    /** Lists each invalid field: {@code "errors": [{"field": "iterations", "message": "must be greater than 0"}]}. */
    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        return ResponseEntity.badRequest().body(invalidFields(ex.getBindingResult().getFieldErrors().stream()
                .map(f -> Map.entry(f.getField(), String.valueOf(f.getDefaultMessage()))).toList()));
    }

    /**
     * The 400 for invalid fields, whoever finds them (bean validation here, a service's own checks elsewhere): the
     * detail names each field and what is wrong with it ({@code "invalid field 'n': must be less than or equal to
     * 8"}), and {@code "errors"} lists them as {@code {"field", "message"}}, sorted by field.
     */
    public static ProblemDetail invalidFields(List<Map.Entry<String, String>> messagesByField) {
        List<Map.Entry<String, String>> sorted = messagesByField.stream()
                .sorted(Map.Entry.<String, String>comparingByKey().thenComparing(Map.Entry.comparingByValue())).toList();
        String fields = sorted.stream().map(f -> "'" + f.getKey() + "': " + f.getValue())
                .collect(Collectors.joining("; "));
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                sorted.isEmpty() ? "the request is invalid"
                        : (sorted.size() == 1 ? "invalid field " : "invalid fields: ") + fields);
        problem.setProperty("errors", sorted.stream()
                .map(f -> Map.of("field", f.getKey(), "message", f.getValue())).toList());
        return problem;
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
                                                                            HttpHeaders headers, HttpStatusCode status,
                                                                            WebRequest request) {
        return ResponseEntity.badRequest().body(ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                "invalid request parameters: " + ex.getAllErrors().stream()
                        .map(err -> String.valueOf(err.getDefaultMessage())).toList()));
    }

    /**
     * Malformed JSON, a value of the wrong type, an unknown field: a field's fault is an invalid field as validation
     * reports them ({@code "invalid field 'n': must be an integer"}), anything else says what the parser met — in
     * plain words, without parser internals.
     */
    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        Throwable cause = ex.getMostSpecificCause();
        String detail = cause.getMessage();
        String field = "";
        if (cause instanceof JacksonException json) {
            detail = inPlainWords(json);
            field = json.getPath().stream()
                    .map(ref -> ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining("."));
        }
        detail = detail == null ? "unreadable body" : detail.lines().findFirst().orElse(detail);
        if (detail.length() > 300) {
            detail = detail.substring(0, 300) + "…";
        }
        if (!field.isEmpty()) {
            return ResponseEntity.badRequest().body(invalidFields(List.of(Map.entry(field, detail))));
        }
        return ResponseEntity.badRequest().body(ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                cause instanceof MismatchedInputException m && m.getTargetType() != null
                        ? "the request body " + detail   // e.g. an array where an object belongs: "must be an object"
                        : "the request body is not valid JSON for this endpoint: " + detail));
    }

    private static String inPlainWords(JacksonException e) {
        if (e instanceof UnrecognizedPropertyException) {
            return "unknown field";
        }
        if (e instanceof InputCoercionException) {
            return "number out of range";
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            return "must be " + kind(m.getTargetType());
        }
        return e.getOriginalMessage();
    }

    private static String kind(Class<?> type) {
        if (CharSequence.class.isAssignableFrom(type) || type == Character.class || type == char.class) {
            return "a string";
        }
        if (List.of(Integer.class, int.class, Long.class, long.class, Short.class, short.class, Byte.class, byte.class,
                BigInteger.class).contains(type)) {
            return "an integer";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        return type.isArray() || Collection.class.isAssignableFrom(type) ? "an array" : "an object";
    }
}
