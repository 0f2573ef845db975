package dev.ladd.inference.serving;

import dev.ladd.platform.test.TestMigrations;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** V3 rewrites checkpoint ids stored as {@code <runId>/step-<N>} to {@code <runId>-step-<N>} (docs/adr/020). */
class CheckpointIdMigrationTest {

    @Test
    void idsWithASlashAreRewrittenAndNewOnesKept() {
        TestMigrations db = new TestMigrations("inference").migrateTo("2");
        for (String[] row : new String[][]{{"default", "run-a/step-100"}, {"other", "run-b-step-5"}}) {
            db.jdbc.update("INSERT INTO serving_desired (alias, checkpoint_id, revision, weights_sha256, weights_size,"
                    + " manifest_sha256, manifest_size) VALUES (?, ?, 1, 'w', 1, 'm', 1)", row[0], row[1]);
        }

        db.migrateTo("latest");

        assertThat(db.jdbc.queryForList("SELECT checkpoint_id FROM serving_desired ORDER BY alias", String.class))
                .containsExactly("run-a-step-100", "run-b-step-5");
    }
}
