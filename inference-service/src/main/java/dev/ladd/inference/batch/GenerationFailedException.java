package dev.ladd.inference.batch;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** The model call of a batch failed (not the client's fault): 500 without internals; the log has the cause. */
public class GenerationFailedException extends ErrorResponseException {

    public GenerationFailedException(String detail, Throwable cause) {
        super(HttpStatus.INTERNAL_SERVER_ERROR, ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR, detail), cause);
    }

    @Override
    public String getMessage() {
        return getBody().getDetail();
    }
}
