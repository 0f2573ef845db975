package dev.ladd.trainer.run;

import dev.ladd.platform.test.TestMigrations;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** V6 rewrites checkpoint ids stored as {@code <runId>/step-<N>} to {@code <runId>-step-<N>} (docs/adr/020). */
class CheckpointIdMigrationTest {

    @Test
    void idsWithASlashAreRewrittenAndNewOnesKept() {
        TestMigrations db = new TestMigrations("trainer").migrateTo("5");
        db.jdbc.update("INSERT INTO run (run_id, teacher_id, state, config, requested_by) VALUES ('run-a', 't', 'completed', ''::bytea, 'x')");
        for (String[] row : new String[][]{{"100", "run-a/step-100"}, {"200", "run-a-step-200"}}) {
            db.jdbc.update("INSERT INTO checkpoint (run_id, step, checkpoint_id, weights_sha256, weights_size, manifest_sha256,"
                    + " manifest_size, final) VALUES ('run-a', ?, ?, 'w', 1, 'm', 1, false)", Integer.parseInt(row[0]), row[1]);
        }

        db.migrateTo("latest");

        assertThat(db.jdbc.queryForList("SELECT checkpoint_id FROM checkpoint ORDER BY step", String.class))
                .containsExactly("run-a-step-100", "run-a-step-200");
    }
}
