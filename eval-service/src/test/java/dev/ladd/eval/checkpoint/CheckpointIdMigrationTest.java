package dev.ladd.eval.checkpoint;

import dev.ladd.platform.test.TestMigrations;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * V4 rewrites checkpoint ids stored as {@code <runId>/step-<N>} to {@code <runId>-step-<N>} (docs/adr/020): the
 * checkpoints, their scores (a foreign key) and the scoring units of their students.
 */
class CheckpointIdMigrationTest {

    @Test
    void idsWithASlashAreRewrittenWithTheirScoresAndUnits() {
        TestMigrations db = new TestMigrations("eval").migrateTo("3");
        for (String id : new String[]{"run-a/step-100", "run-a-step-200"}) {
            db.jdbc.update("INSERT INTO checkpoint (checkpoint_id, run_id, step, teacher_id, weights_sha256, weights_size,"
                    + " manifest_sha256, manifest_size, state) VALUES (?, 'run-a', 1, 't', 'w', 1, 'm', 1, 'scored')", id);
            db.jdbc.update("INSERT INTO checkpoint_score (checkpoint_id, pass, steps, fid, precision_score, recall_score,"
                    + " adherence, ms_per_image_batch1, ms_per_image_batch64, images_per_second, num_samples)"
                    + " VALUES (?, 'quick', 4, 1, 1, 1, 1, 1, 1, 1, 500)", id);
            db.jdbc.update("INSERT INTO scoring_unit (model, num_samples, steps, cfg_scale, first_sample, sample_count, latents)"
                    + " VALUES (?, 500, 4, 0, 0, 64, ''::bytea)", "student:" + id);
        }
        db.jdbc.update("INSERT INTO scoring_unit (model, num_samples, steps, cfg_scale, first_sample, sample_count, latents)"
                + " VALUES ('teacher:abc', 500, 50, 1.5, 0, 64, ''::bytea)");

        db.migrateTo("latest");

        assertThat(db.jdbc.queryForList("SELECT checkpoint_id FROM checkpoint ORDER BY checkpoint_id", String.class))
                .containsExactly("run-a-step-100", "run-a-step-200");
        assertThat(db.jdbc.queryForList("SELECT checkpoint_id FROM checkpoint_score ORDER BY checkpoint_id", String.class))
                .containsExactly("run-a-step-100", "run-a-step-200");
        assertThat(db.jdbc.queryForList("SELECT model FROM scoring_unit ORDER BY model", String.class))
                .containsExactly("student:run-a-step-100", "student:run-a-step-200", "teacher:abc");
        assertThat(db.jdbc.queryForObject("SELECT state FROM checkpoint WHERE checkpoint_id = 'run-a-step-100'", String.class))
                .isEqualTo("scored");
    }
}
