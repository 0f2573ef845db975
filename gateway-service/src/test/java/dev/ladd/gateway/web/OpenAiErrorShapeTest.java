package dev.ladd.gateway.web;

import dev.ladd.gateway.Problems;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.mock.web.MockHttpServletRequest;

import jakarta.servlet.RequestDispatcher;

import static org.assertj.core.api.Assertions.assertThat;

/** How a problem becomes OpenAI's error body, status by status, and which requests get that shape. */
class OpenAiErrorShapeTest {

    @Test
    void theTypeFollowsTheStatusTheParamIsTheFirstBadFieldAndTheCodeIsThrowersOwn() {
        OpenAiErrors.Body field = OpenAiErrors.of(Problems.badField("size", "must be square").getBody()).error();
        assertThat(field).isEqualTo(new OpenAiErrors.Body("invalid field 'size': must be square",
                "invalid_request_error", "size", null));

        OpenAiErrors.Body missing = OpenAiErrors.of(Problems.modelNotFound("dall-e-3").getBody()).error();
        assertThat(missing.type()).isEqualTo("invalid_request_error");
        assertThat(missing.code()).isEqualTo("model_not_found");
        assertThat(missing.param()).isNull();

        assertThat(OpenAiErrors.of(ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN, "role too low")).error())
                .isEqualTo(new OpenAiErrors.Body("role too low", "invalid_request_error", null, null));
        assertThat(OpenAiErrors.of(Problems.withCode(Problems.tooManyRequests("slow down", 3), "rate_limit_exceeded")
                .getBody()).error()).isEqualTo(new OpenAiErrors.Body("slow down", "rate_limit_error", null,
                "rate_limit_exceeded"));
        assertThat(OpenAiErrors.of(ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "internal error; the server log has the details")).error().type()).isEqualTo("server_error");
        assertThat(OpenAiErrors.of(Problems.unavailable("no model loaded").getBody()).error().type())
                .isEqualTo("server_error");
        assertThat(OpenAiErrors.of(ProblemDetail.forStatus(HttpStatus.BAD_GATEWAY)).error().message())
                .as("without a detail, the title").isEqualTo("Bad Gateway");
    }

    @Test
    void onlyV1RequestsAndTheErrorPageOfAV1RequestGetOpenAisShape() {
        assertThat(OpenAiErrors.isOpenAiPath(request("/v1/images/generations"))).isTrue();
        assertThat(OpenAiErrors.isOpenAiPath(request("/v1"))).isTrue();
        assertThat(OpenAiErrors.isOpenAiPath(request("/api/v1/runs"))).isFalse();
        assertThat(OpenAiErrors.isOpenAiPath(request("/v1x"))).isFalse();
        MockHttpServletRequest errorPage = request("/error");
        errorPage.setAttribute(RequestDispatcher.ERROR_REQUEST_URI, "/v1/models");
        assertThat(OpenAiErrors.isOpenAiPath(errorPage)).isTrue();
    }

    private static MockHttpServletRequest request(String path) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
        request.setServletPath(path);
        return request;
    }
}
