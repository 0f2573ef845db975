package dev.ladd.platform.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A service without its deployment settings stops at start, naming every missing one and its variable. */
@ExtendWith(OutputCaptureExtension.class)
class RequiredSettingsTest {

    static final List<String> PLATFORM = List.of("ladd.blob-store.root", "spring.cloud.stream.kafka.binder.brokers",
            "spring.datasource.url", "spring.datasource.username");

    @Configuration(proxyBeanMethods = false)
    static class Nothing {
    }

    static ConfigurableApplicationContext start(Map<String, Object> environmentVariables, String... args) {
        SpringApplication app = new SpringApplication(Nothing.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        environmentVariables));
        app.setEnvironment(environment);
        return app.run(args);
    }

    @Test
    void everyServiceNeedsPostgresKafkaAndTheBlobStoreWithoutDefaults() {
        assertThat(RequiredSettings.all(getClass().getClassLoader())).extracting(RequiredSettings.Setting::property)
                .containsExactlyInAnyOrderElementsOf(PLATFORM);
    }

    @Test
    void aServiceWithoutThemStopsNamingEachMissingOneAndItsVariable(CapturedOutput output) {
        assertThatThrownBy(() -> start(Map.of(), "--spring.application.name=some-service",
                "--spring.datasource.url=jdbc:postgresql://postgres:5432/ladd"))
                .isInstanceOfSatisfying(MissingSettingsException.class, e -> assertThat(e.missing())
                        .extracting(RequiredSettings.Setting::property)
                        .containsExactly("ladd.blob-store.root", "spring.cloud.stream.kafka.binder.brokers",
                                "spring.datasource.username"));

        assertThat(output.getOut() + output.getErr())
                .contains("some-service did not start: it has no default for these settings and they are not set")
                .contains("ladd.blob-store.root (env LADD_BLOBSTORE_ROOT): the blob store folder")
                .contains("spring.cloud.stream.kafka.binder.brokers (env SPRING_CLOUD_STREAM_KAFKA_BINDER_BROKERS)")
                .contains("spring.datasource.username (env SPRING_DATASOURCE_USERNAME)")
                .doesNotContain("spring.datasource.url (env");
    }

    @Test
    void aBlankValueIsMissingToo() {
        Map<String, Object> env = all();
        env.put("SPRING_DATASOURCE_USERNAME", " ");
        assertThatThrownBy(() -> start(env)).isInstanceOfSatisfying(MissingSettingsException.class,
                e -> assertThat(e.missing()).extracting(RequiredSettings.Setting::property)
                        .containsExactly("spring.datasource.username"));
    }

    /** The variable names the failure (and deploy-tests) give are the ones Spring reads: a start with exactly those. */
    @Test
    void theNamedEnvironmentVariablesAreTheOnesSpringReads() {
        try (ConfigurableApplicationContext context = start(all())) {
            for (String property : PLATFORM) {
                assertThat(context.getEnvironment().getProperty(property)).as(property).isEqualTo("set-" + property);
            }
        }
        assertThat(RequiredSettings.environmentVariable("ladd.gateway.inference.base-url"))
                .isEqualTo("LADD_GATEWAY_INFERENCE_BASEURL");
    }

    private static Map<String, Object> all() {
        Map<String, Object> env = new HashMap<>();
        for (String property : PLATFORM) {
            env.put(RequiredSettings.environmentVariable(property), "set-" + property);
        }
        return env;
    }
}
