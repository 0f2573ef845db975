package dev.ladd.trainer;

import dev.ladd.platform.test.TestPostgres;
import dev.ladd.platform.test.TestServiceToken;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A migration that fails stops the service at start-up, with a message that names the migration. */
@ExtendWith(OutputCaptureExtension.class)
class MigrationFailureTest {

    @Test
    void aFailingMigrationStopsTheServiceWithAClearMessage(CapturedOutput output) throws Exception {
        SpringApplication app = new SpringApplication(TrainerServiceApplication.class);

        assertThatThrownBy(() -> app.run(
                "--spring.datasource.url=" + TestPostgres.newDatabase(),
                "--spring.datasource.username=postgres",
                "--spring.flyway.locations=classpath:db/platform,classpath:db/broken",
                "--spring.cloud.stream.kafka.binder.brokers=localhost:1",
                "--ladd.blob-store.root=" + Files.createTempDirectory("blobs"),
                "--ladd.service-auth.token=" + TestServiceToken.VALUE,
                "--server.port=0"))
                .hasRootCauseInstanceOf(org.postgresql.util.PSQLException.class);

        assertThat(output.getOut() + output.getErr())
                .contains("Database migration failed, so the service did not start")
                .contains("V1__broken.sql")
                .contains("no_such_table");
    }
}
