package dev.ladd.gateway.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * How a servlet filter answers with a problem: through Spring MVC's exception resolvers, i.e. platform-support's
 * advice and {@link OpenAiErrors}, exactly as a controller's error would be — so a filter's 401, 413 or 429 has the
 * same shape (problem+json, or OpenAI's under {@code /v1/}) and there is no second error writer.
 */
@Component
public class FilterProblems {

    private final HandlerExceptionResolver resolver;

    public FilterProblems(@Lazy @Qualifier("handlerExceptionResolver") HandlerExceptionResolver resolver) {
        this.resolver = resolver;
    }

    public void send(HttpServletRequest request, HttpServletResponse response, ErrorResponseException problem) {
        if (resolver.resolveException(request, response, null, problem) == null) {
            throw problem;   // not resolved (cannot happen with platform-support's advice): the error page answers
        }
    }
}
