package dev.ladd.gateway.images;

import dev.ladd.gateway.GatewayProperties;
import dev.ladd.platform.security.ServiceToken;
import dev.ladd.platform.test.TestServiceToken;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;
import tools.jackson.databind.json.JsonMapper;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** An inference-service nobody listens for is a 503 problem, not a 500. */
class InferenceClientTest {

    @Test
    void anUnreachableInferenceServiceIsA503() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();   // closed again: nothing listens there
        }
        GatewayProperties properties = new GatewayProperties(null, null, null,
                new GatewayProperties.Inference(URI.create("http://127.0.0.1:" + port), Duration.ofSeconds(1),
                        Duration.ofSeconds(2)), null, null, null, 65536);
        InferenceClient client = new InferenceClient(properties, JsonMapper.builder().build(),
                new ServiceToken(TestServiceToken.VALUE));

        ErrorResponseException e = catchThrowableOfType(ErrorResponseException.class,
                () -> client.generate("default", "a bag", 1, 4, 0, 32));

        assertThat(e.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(e.getBody().getDetail()).contains("unreachable");
    }
}
