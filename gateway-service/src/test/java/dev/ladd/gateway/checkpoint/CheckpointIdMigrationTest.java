package dev.ladd.gateway.checkpoint;

import dev.ladd.platform.test.TestMigrations;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * V5 rewrites checkpoint ids stored as {@code <runId>/step-<N>} to {@code <runId>-step-<N>} (docs/adr/020): the
 * checkpoints, what references them (scores, aliases, rollback stacks) and the serving history and reports.
 */
class CheckpointIdMigrationTest {

    @Test
    void idsWithASlashAreRewrittenEverywhereTheyAreStored() {
        TestMigrations db = new TestMigrations("gateway").migrateTo("4");
        for (String id : new String[]{"run-a/step-100", "run-a-step-200"}) {
            db.jdbc.update("INSERT INTO checkpoint (checkpoint_id, run_id, step, score_state) VALUES (?, 'run-a', 1, 'scored')", id);
            db.jdbc.update("INSERT INTO checkpoint_score (checkpoint_id, pass, sampler, steps, cfg_scale, fid, precision, recall,"
                    + " prompt_adherence, ms_per_image_batch1, ms_per_image_batch64, images_per_second, num_samples)"
                    + " VALUES (?, 'full', 'student', 4, 0, 1, 1, 1, 1, 1, 1, 1, 5000)", id);
        }
        db.jdbc.update("INSERT INTO serving_alias (alias, checkpoint_id, revision) VALUES ('default', 'run-a/step-100', 2)");
        db.jdbc.update("INSERT INTO serving_stack (alias, depth, checkpoint_id) VALUES ('default', 0, 'run-a/step-100')");
        db.jdbc.update("INSERT INTO serving_audit (alias, revision, action, from_checkpoint_id, to_checkpoint_id, actor, reason)"
                + " VALUES ('default', 2, 'promote', 'run-a-step-200', 'run-a/step-100', 'admin', 'better')");
        db.jdbc.update("INSERT INTO serving_status (alias, checkpoint_id, revision, status) VALUES ('default', 'run-a/step-100', 2, 'serving')");
        db.jdbc.update("INSERT INTO serving_replica_status (alias, replica, checkpoint_id, revision, status)"
                + " VALUES ('default', 'r1', 'run-a/step-100', 2, 'serving'), ('default', 'r2', '', 0, 'swap-failed')");

        db.migrateTo("latest");

        assertThat(db.jdbc.queryForList("SELECT checkpoint_id FROM checkpoint ORDER BY checkpoint_id", String.class))
                .containsExactly("run-a-step-100", "run-a-step-200");
        assertThat(db.jdbc.queryForList("SELECT checkpoint_id FROM checkpoint_score ORDER BY checkpoint_id", String.class))
                .containsExactly("run-a-step-100", "run-a-step-200");
        assertThat(db.jdbc.queryForObject("SELECT checkpoint_id FROM serving_alias", String.class)).isEqualTo("run-a-step-100");
        assertThat(db.jdbc.queryForObject("SELECT checkpoint_id FROM serving_stack", String.class)).isEqualTo("run-a-step-100");
        assertThat(db.jdbc.queryForMap("SELECT from_checkpoint_id, to_checkpoint_id FROM serving_audit"))
                .containsEntry("from_checkpoint_id", "run-a-step-200").containsEntry("to_checkpoint_id", "run-a-step-100");
        assertThat(db.jdbc.queryForObject("SELECT checkpoint_id FROM serving_status", String.class)).isEqualTo("run-a-step-100");
        assertThat(db.jdbc.queryForList("SELECT checkpoint_id FROM serving_replica_status ORDER BY replica", String.class))
                .containsExactly("run-a-step-100", "");
    }
}
