package dev.ladd.gateway.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;

/**
 * The servlet container's error page ({@code /error}): what fails outside Spring MVC — an exception in a filter, a
 * {@code sendError} — is answered as a problem like every other error (OpenAI's shape under {@code /v1/}, by
 * {@link OpenAiErrors}), a 5xx without any detail of the failure, which is logged here. Replaces Spring Boot's
 * {@code BasicErrorController}, whose JSON is neither shape.
 */
@RestController
class ErrorPage implements ErrorController {

    private static final Logger log = LoggerFactory.getLogger(ErrorPage.class);

    @RequestMapping("/error")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatus status = code instanceof Integer c && HttpStatus.resolve(c) != null ? HttpStatus.resolve(c)
                : HttpStatus.NOT_FOUND;   // /error asked for directly: there is no such page
        String detail;
        if (status.is5xxServerError()) {
            log.error("{} {}: {} outside Spring MVC", request.getMethod(),
                    request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI), status,
                    (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION));
            detail = "internal error; the server log has the details";
        } else {
            Object message = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
            detail = message instanceof String m && !m.isBlank() ? m : status.getReasonPhrase();
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        if (request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String failed) {
            try {
                problem.setInstance(URI.create(failed));
            } catch (IllegalArgumentException notAUri) {
                // leave the instance out
            }
        }
        return ResponseEntity.status(status).body(problem);
    }
}
