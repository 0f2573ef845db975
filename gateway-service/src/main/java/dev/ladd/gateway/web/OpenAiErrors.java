package dev.ladd.gateway.web;

import dev.ladd.gateway.Problems;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

import java.util.List;
import java.util.Map;

/**
 * Under {@code /v1/} (the OpenAI-compatible API) every error is answered in OpenAI's shape,
 * {@code {"error": {"message", "type", "param", "code"}}} as {@code application/json}, because that is what OpenAI's
 * clients read ({@code err.message}, {@code err.param}, {@code err.code}); everywhere else it stays
 * {@code application/problem+json}. It is the one place that shape is made: every error — a controller's, a filter's
 * ({@link FilterProblems}), the error page's ({@link ErrorPage}) — is a {@link ProblemDetail} first, and this turns
 * it into OpenAI's on its way out.
 */
@RestControllerAdvice
public class OpenAiErrors implements ResponseBodyAdvice<Object> {

    /** OpenAI's error body. */
    @Schema(name = "OpenAiError", description = "OpenAI's error shape, the answer of every /v1/ error")
    public record OpenAiError(Body error) {
    }

    /**
     * @param message what is wrong, naming the field when one is (e.g. "invalid field 'size': must be square, …")
     * @param type    invalid_request_error (4xx), rate_limit_error (429), server_error (5xx)
     * @param param   the offending request field, or null
     * @param code    model_not_found, invalid_api_key, rate_limit_exceeded, or null
     */
    @Schema(name = "OpenAiErrorBody")
    public record Body(String message, String type, String param, String code) {
    }

    /** Whether the request (or, on the error page, the request that failed) is under {@code /v1/}. */
    public static boolean isOpenAiPath(HttpServletRequest request) {
        Object failed = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String path = failed != null ? failed.toString()
                : request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        return path.equals("/v1") || path.startsWith("/v1/");
    }

    public static OpenAiError of(ProblemDetail problem) {
        HttpStatus status = HttpStatus.resolve(problem.getStatus());
        String type = status == HttpStatus.TOO_MANY_REQUESTS ? "rate_limit_error"
                : status != null && status.is4xxClientError() ? "invalid_request_error" : "server_error";
        String message = problem.getDetail() != null ? problem.getDetail()
                : problem.getTitle() != null ? problem.getTitle() : "HTTP " + problem.getStatus();
        Map<String, Object> properties = problem.getProperties() == null ? Map.of() : problem.getProperties();
        String param = properties.get("errors") instanceof List<?> errors && !errors.isEmpty()
                && errors.get(0) instanceof Map<?, ?> first && first.get("field") != null
                ? first.get("field").toString() : null;
        Object code = properties.get(Problems.CODE);
        return new OpenAiError(new Body(message, type, param, code == null ? null : code.toString()));
    }

    @Override
    public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @Override
    public Object beforeBodyWrite(Object body, MethodParameter returnType, MediaType selectedContentType,
                                  Class<? extends HttpMessageConverter<?>> selectedConverterType,
                                  ServerHttpRequest request, ServerHttpResponse response) {
        if (body instanceof ProblemDetail problem && request instanceof ServletServerHttpRequest servlet
                && isOpenAiPath(servlet.getServletRequest())) {
            response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
            return of(problem);
        }
        return body;
    }
}
