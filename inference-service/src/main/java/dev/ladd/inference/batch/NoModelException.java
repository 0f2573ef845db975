package dev.ladd.inference.batch;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** No model is loaded for the alias (none desired yet, or still loading): 503 with Retry-After. */
public class NoModelException extends ErrorResponseException {

    public NoModelException(String alias, long retryAfterSeconds) {
        super(HttpStatus.SERVICE_UNAVAILABLE, problem(alias), null);
        getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
    }

    private static ProblemDetail problem(String alias) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "no model is loaded for alias '" + alias + "' on this replica");
        p.setTitle("No model for alias");
        p.setProperty("alias", alias);
        return p;
    }

    @Override
    public String getMessage() {
        return getBody().getDetail();
    }
}
