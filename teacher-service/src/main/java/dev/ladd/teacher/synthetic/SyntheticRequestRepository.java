package dev.ladd.teacher.synthetic;

import dev.ladd.events.v1.SyntheticDataRequested;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

import java.util.Optional;

/** The synthetic_request table of the teacher schema. */
@Repository
public class SyntheticRequestRepository {

    private static final RowMapper<SyntheticRequest> REQUEST = (rs, i) -> new SyntheticRequest(
            rs.getString("request_id"), rs.getString("run_id"), rs.getString("teacher_id"), rs.getInt("num_samples"),
            rs.getInt("shard_size"), rs.getString("state"), rs.getString("reason"), rs.getTimestamp("created_at").toInstant());

    private final JdbcTemplate jdbc;

    public SyntheticRequestRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Records the request once; false if a request with that id was already recorded. */
    public boolean insert(SyntheticDataRequested request, String state, String reason) {
        return jdbc.update("""
                INSERT INTO synthetic_request (request_id, run_id, teacher_id, num_samples, shard_size, sampler_steps,
                                               cfg_scale, seed, state, reason)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (request_id) DO NOTHING""",
                request.getRequestId(), request.getRunId(), request.getTeacherId(), request.getNumSamples(),
                request.getShardSize(), request.getSamplerSteps(), request.getCfgScale(), request.getSeed(),
                state, reason) == 1;
    }

    public Optional<SyntheticRequest> find(String requestId) {
        return jdbc.query("SELECT * FROM synthetic_request WHERE request_id = ?", REQUEST, requestId).stream().findFirst();
    }
}
