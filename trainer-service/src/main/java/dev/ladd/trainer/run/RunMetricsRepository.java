package dev.ladd.trainer.run;

import dev.ladd.ml.ladd.LaddStepMetrics;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import java.util.List;

/** Per-iteration metrics of runs (run_metric). */
@Repository
public class RunMetricsRepository {

    private final JdbcTemplate jdbc;

    public RunMetricsRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Stores an iteration's metrics; a resumed run repeating an iteration overwrites the row. */
    public void record(String runId, LaddStepMetrics m) {
        jdbc.update("""
                INSERT INTO run_metric (run_id, iteration, loss_student, loss_discriminator, d_real, d_fake,
                                        distillation_mse, grad_norm_student, grad_norm_heads, step_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (run_id, iteration) DO UPDATE SET loss_student = excluded.loss_student,
                    loss_discriminator = excluded.loss_discriminator, d_real = excluded.d_real, d_fake = excluded.d_fake,
                    distillation_mse = excluded.distillation_mse, grad_norm_student = excluded.grad_norm_student,
                    grad_norm_heads = excluded.grad_norm_heads, step_ms = excluded.step_ms""",
                runId, (int) m.iteration(), m.studentLoss(), m.discriminatorLoss(), m.dReal(), m.dFake(),
                m.distillation(), m.studentGradNorm(), m.headGradNorm(), m.millis());
    }

    /** Metrics after {@code afterIteration}, at most {@code limit}, oldest first. */
    public List<LaddStepMetrics> list(String runId, int afterIteration, int limit) {
        return jdbc.query("""
                SELECT iteration, loss_student, loss_discriminator, d_real, d_fake, distillation_mse, grad_norm_student,
                       grad_norm_heads, step_ms
                FROM run_metric WHERE run_id = ? AND iteration > ? ORDER BY iteration LIMIT ?""",
                (rs, i) -> new LaddStepMetrics(rs.getInt(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4),
                        rs.getDouble(5), rs.getDouble(6), rs.getDouble(7), rs.getDouble(8), rs.getDouble(9)),
                runId, afterIteration, limit);
    }
}
