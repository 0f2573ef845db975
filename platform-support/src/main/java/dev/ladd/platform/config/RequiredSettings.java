package dev.ladd.platform.config;

import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The settings a deployment must give a service, which have no default: where PostgreSQL, Kafka, the blob store and
 * (for the gateway) the other services are. Each module lists its own in
 * {@value #RESOURCE} ({@code <property>=<what it is>}); a service needs those of every module on its class path.
 *
 * <p>Checked once the application's environment is complete (command line, environment variables, a test's
 * properties) and before any bean is made: a service without one of them stops at once, naming every missing one
 * and its environment variable ({@link MissingSettingsException}, {@link RequiredSettingsFailureAnalyzer}), instead of
 * trying localhost. The same files are the list deploy-tests checks ./ladd-local, docker-compose.yml and the Helm chart
 * against, so the three cannot drift.
 */
public final class RequiredSettings implements ApplicationListener<ApplicationPreparedEvent> {

    public static final String RESOURCE = "META-INF/ladd/required-settings.properties";

    /** One required setting: its Spring property, the environment variable that sets it, what it is. */
    public record Setting(String property, String environmentVariable, String description) {
    }

    @Override
    public void onApplicationEvent(ApplicationPreparedEvent event) {
        ConfigurableEnvironment environment = event.getApplicationContext().getEnvironment();
        List<Setting> missing = missing(environment, all(event.getSpringApplication().getClassLoader()));
        if (!missing.isEmpty()) {
            throw new MissingSettingsException(environment.getProperty("spring.application.name", "the service"), missing);
        }
    }

    /** Every required setting the modules on this class path declare, by property name. */
    public static List<Setting> all(ClassLoader classLoader) {
        Map<String, Setting> settings = new TreeMap<>();
        try {
            for (Resource resource : new PathMatchingResourcePatternResolver(classLoader).getResources("classpath*:" + RESOURCE)) {
                Properties properties = new Properties();
                try (Reader reader = new java.io.InputStreamReader(resource.getInputStream(), StandardCharsets.UTF_8)) {
                    properties.load(reader);
                }
                properties.forEach((key, value) -> settings.put((String) key,
                        new Setting((String) key, environmentVariable((String) key), ((String) value).trim())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + RESOURCE + ": " + e.getMessage(), e);
        }
        return List.copyOf(settings.values());
    }

    /** Those of {@code settings} that the environment leaves unset or blank (relaxed binding, as Spring reads them). */
    static List<Setting> missing(ConfigurableEnvironment environment, List<Setting> settings) {
        Binder binder = Binder.get(environment);
        List<Setting> missing = new ArrayList<>();
        for (Setting setting : settings) {
            if (binder.bind(setting.property(), String.class).map(String::isBlank).orElse(true)) {
                missing.add(setting);
            }
        }
        return missing;
    }

    /**
     * The environment variable Spring reads a property from: upper case, dots to underscores, dashes dropped
     * ({@code ladd.gateway.inference.base-url} → {@code LADD_GATEWAY_INFERENCE_BASEURL}).
     */
    public static String environmentVariable(String property) {
        return property.replace("-", "").replace('.', '_').toUpperCase(Locale.ROOT);
    }
}
