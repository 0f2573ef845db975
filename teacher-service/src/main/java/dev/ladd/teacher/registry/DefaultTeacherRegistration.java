package dev.ladd.teacher.registry;

import dev.ladd.teacher.TeacherProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * On start, registers the committed default teacher ({@code ladd.teacher.default-model-dir}, e.g.
 * {@code models/default}) as teacher "default" when no teacher of that id exists yet.
 */
@Component
class DefaultTeacherRegistration implements ApplicationRunner {

    static final String DEFAULT_ID = "default";
    private static final Logger log = LoggerFactory.getLogger(DefaultTeacherRegistration.class);

    private final TeacherRegistry registry;
    private final TeacherProperties properties;

    DefaultTeacherRegistration(TeacherRegistry registry, TeacherProperties properties) {
        this.registry = registry;
        this.properties = properties;
    }

    @Override
    public void run(ApplicationArguments args) {
        Path folder = properties.defaultModelDir();
        if (folder == null || registry.isRegistered(DEFAULT_ID)) {
            return;
        }
        if (!Files.isRegularFile(folder.resolve("teacher.json"))) {
            log.warn("no default teacher at {} (ladd.teacher.default-model-dir); train one with "
                    + "'java -jar ladd-tools/target/ladd-tools-0.1.0-SNAPSHOT.jar train-default --out={}'", folder, folder);
            return;
        }
        try {
            registry.importFolder(DEFAULT_ID, "the default Fashion-MNIST teacher from " + folder, folder, "registered");
            log.info("registered the default teacher from {}", folder);
        } catch (IllegalArgumentException e) {
            // the service stays up without it: other teachers can still be imported
            log.error("the default teacher at {} was refused: {}", folder, e.getMessage());
        }
    }
}
