package dev.ladd.gateway.web;

import jakarta.servlet.RequestDispatcher;
import org.junit.jupiter.api.Test;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

/** What fails outside Spring MVC is answered as a problem: a 5xx without anything of the failure in it. */
class ErrorPageTest {

    private final ErrorPage page = new ErrorPage();

    @Test
    void aFailureInAFilterIsA500ProblemWithoutItsMessage() {
        MockHttpServletRequest request = errorDispatch(500, "/v1/images/generations");
        request.setAttribute(RequestDispatcher.ERROR_EXCEPTION,
                new IllegalStateException("connection to 10.0.0.7:5432 refused"));

        ResponseEntity<ProblemDetail> answer = page.error(request);

        assertThat(answer.getStatusCode().value()).isEqualTo(500);
        assertThat(answer.getBody().getDetail()).isEqualTo("internal error; the server log has the details");
        assertThat(answer.getBody().toString()).doesNotContain("10.0.0.7").doesNotContain("IllegalStateException");
        assertThat(answer.getBody().getInstance()).isEqualTo(URI.create("/v1/images/generations"));
        assertThat(OpenAiErrors.of(answer.getBody()).error().type()).isEqualTo("server_error");
    }

    @Test
    void aClientErrorKeepsTheContainersMessageAndAskingForTheErrorPageIsA404() {
        MockHttpServletRequest request = errorDispatch(400, "/v1/models");
        request.setAttribute(RequestDispatcher.ERROR_MESSAGE, "Invalid character found in the request target");
        ResponseEntity<ProblemDetail> answer = page.error(request);
        assertThat(answer.getStatusCode().value()).isEqualTo(400);
        assertThat(answer.getBody().getDetail()).isEqualTo("Invalid character found in the request target");

        assertThat(page.error(new MockHttpServletRequest("GET", "/error")).getStatusCode().value()).isEqualTo(404);
    }

    private static MockHttpServletRequest errorDispatch(int status, String failedUri) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/error");
        request.setAttribute(RequestDispatcher.ERROR_STATUS_CODE, status);
        request.setAttribute(RequestDispatcher.ERROR_REQUEST_URI, failedUri);
        return request;
    }
}
