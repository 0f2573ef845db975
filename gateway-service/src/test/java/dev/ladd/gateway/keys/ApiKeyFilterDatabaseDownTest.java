package dev.ladd.gateway.keys;

import dev.ladd.gateway.web.FilterProblems;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.servlet.ModelAndView;

import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * Found by the chaos suite (docs/reliability.md): with PostgreSQL down, the key check threw out of the filter and the
 * client got a 500. It is a 503 with Retry-After, which a client may retry.
 */
class ApiKeyFilterDatabaseDownTest {

    @Test
    void aKeyThatCannotBeCheckedBecauseTheDatabaseIsDownIsA503WithRetryAfter() throws Exception {
        ApiKeyService keys = mock(ApiKeyService.class);
        when(keys.authenticate(anyString())).thenThrow(new CannotGetJdbcConnectionException("Connection is not available"));
        AtomicReference<Exception> answered = new AtomicReference<>();
        FilterProblems problems = new FilterProblems((request, response, handler, e) -> {
            answered.set(e);
            return new ModelAndView();
        });
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/v1/images/generations");
        request.setServletPath("/v1/images/generations");
        request.addHeader("Authorization", "Bearer ladd_some-key");
        MockFilterChain chain = new MockFilterChain();

        new ApiKeyFilter(keys, new RateLimiter(), problems).doFilter(request, new MockHttpServletResponse(), chain);

        assertThat(chain.getRequest()).as("not passed on").isNull();
        assertThat(answered.get()).isInstanceOf(ErrorResponseException.class);
        ErrorResponseException problem = (ErrorResponseException) answered.get();
        assertThat(problem.getStatusCode().value()).isEqualTo(503);
        assertThat(problem.getHeaders().getFirst("Retry-After")).isEqualTo("5");
        assertThat(problem.getBody().getDetail()).contains("database is unavailable");
    }

    @Test
    void anyOtherFailureOfTheKeyCheckIsNotDisguised() {
        ApiKeyService keys = mock(ApiKeyService.class);
        when(keys.authenticate(anyString())).thenThrow(new IllegalStateException("a bug"));
        FilterProblems problems = new FilterProblems((request, response, handler, e) -> new ModelAndView());
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/v1/images/generations");
        request.setServletPath("/v1/images/generations");
        request.addHeader("Authorization", "Bearer ladd_some-key");

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ApiKeyFilter(keys, new RateLimiter(), problems)
                .doFilter(request, new MockHttpServletResponse(), new MockFilterChain())).hasMessage("a bug");
    }
}
