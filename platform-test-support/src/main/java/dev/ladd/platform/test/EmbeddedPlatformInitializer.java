package dev.ladd.platform.test;

import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/**
 * Points a test context at a fresh database on {@link TestPostgres} and a fresh blob-store folder, and gives it this
 * JVM's service token ({@link TestServiceToken}).
 */
public class EmbeddedPlatformInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        try {
            TestPropertyValues.of(
                    "spring.datasource.url=" + TestPostgres.newDatabase(),
                    "spring.datasource.username=postgres",
                    "ladd.blob-store.root=" + Files.createTempDirectory("ladd-blobs-"),
                    "ladd.service-auth.token=" + TestServiceToken.VALUE)
                    .applyTo(context);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
