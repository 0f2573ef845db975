package dev.ladd.gateway.keys;

import dev.ladd.gateway.GatewayServiceApplication;
import dev.ladd.gateway.support.GatewayTestBase;
import dev.ladd.platform.test.TestPostgres;
import dev.ladd.platform.test.TestServiceToken;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The gateway does not start with the sample admin key of the old {@code .env.example}, nor without a service token,
 * and says which setting is wrong and how to make a good one — without printing the value anywhere.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretSettingsStartupTest {

    private static void start(String adminKey, String serviceToken) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "--spring.datasource.url=" + TestPostgres.newDatabase(),
                "--spring.datasource.username=postgres",
                "--spring.cloud.stream.kafka.binder.brokers=localhost:1",
                "--ladd.blob-store.root=" + Files.createTempDirectory("blobs"),
                "--ladd.gateway.admin-key=" + adminKey,
                "--ladd.service-auth.token=" + serviceToken,
                "--server.port=0"));
        args.addAll(GatewayTestBase.servicesAt("http://localhost:1"));
        new SpringApplication(GatewayServiceApplication.class).run(args.toArray(String[]::new));
    }

    @Test
    void theSampleAdminKeyIsRefusedAtStart(CapturedOutput output) {
        String sample = "change-me-to-a-long-random-admin-key-0123456789";
        assertThatThrownBy(() -> start(sample, TestServiceToken.VALUE)).hasMessageNotContaining(sample);
        assertThat(output.getAll()).contains("APPLICATION FAILED TO START")
                .contains("ladd.gateway.admin-key (environment variable LADD_GATEWAY_ADMIN_KEY) is refused: it looks like"
                        + " a sample value")
                .contains("head -c 36 /dev/urandom")
                .doesNotContain(sample);
    }

    @Test
    void aMissingServiceTokenIsRefusedAtStart(CapturedOutput output) {
        String adminKey = TestServiceToken.newToken();
        assertThatThrownBy(() -> start(adminKey, ""));
        assertThat(output.getAll()).contains("ladd.service-auth.token (environment variable LADD_SERVICE_TOKEN) is refused:"
                + " it is not set").doesNotContain(adminKey);
    }
}
