package dev.ladd.teacher.synthetic;

import dev.ladd.events.v1.SyntheticDataRequested;
import dev.ladd.ml.blob.BlobId;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

import java.util.List;
import java.util.Optional;

/** The synthetic_request table of the teacher schema. */
@Repository
public class SyntheticRequestRepository {

    private static final RowMapper<SyntheticRequest> REQUEST = (rs, i) -> new SyntheticRequest(
            rs.getString("request_id"), rs.getString("run_id"), rs.getString("teacher_id"), rs.getInt("num_samples"),
            rs.getInt("shard_size"), rs.getString("state"), rs.getString("reason"), rs.getTimestamp("created_at").toInstant());

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcTemplate jdbc;

    public SyntheticRequestRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Records the request once; false if a request with that id was already recorded. */
    public boolean insert(SyntheticDataRequested request, String state, String reason) {
        return jdbc.update("""
                INSERT INTO synthetic_request (request_id, run_id, teacher_id, num_samples, shard_size, sampler_steps,
                                               cfg_scale, seed, state, reason, prompts)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (request_id) DO NOTHING""",
                request.getRequestId(), request.getRunId(), request.getTeacherId(), request.getNumSamples(),
                request.getShardSize(), request.getSamplerSteps(), request.getCfgScale(), request.getSeed(),
                state, reason, JSON.writeValueAsString(request.getPromptsList())) == 1;
    }

    /**
     * Locks the oldest accepted request that no other worker holds (the lock lasts until the caller's
     * transaction ends), with the number of shards it already has.
     */
    public Optional<GenerationJob> claimNextAccepted() {
        return jdbc.query("""
                SELECT r.*, (SELECT count(*) FROM synthetic_shard s WHERE s.request_id = r.request_id) AS shards_done
                FROM synthetic_request r WHERE r.state = 'accepted'
                ORDER BY r.created_at LIMIT 1 FOR UPDATE OF r SKIP LOCKED""",
                (rs, i) -> new GenerationJob(rs.getString("request_id"), rs.getString("run_id"), rs.getString("teacher_id"),
                        rs.getInt("num_samples"), rs.getInt("shard_size"), rs.getInt("sampler_steps"),
                        rs.getFloat("cfg_scale"), rs.getLong("seed"),
                        JSON.readValue(rs.getString("prompts"), new TypeReference<List<String>>() { }),
                        rs.getInt("shards_done"))).stream().findFirst();
    }

    public void insertShard(String requestId, int shardIndex, BlobId blob, int count) {
        jdbc.update("INSERT INTO synthetic_shard (request_id, shard_index, sha256, size_bytes, sample_count) VALUES (?, ?, ?, ?, ?)",
                requestId, shardIndex, blob.sha256(), blob.sizeBytes(), count);
    }

    public void updateState(String requestId, String state, String reason) {
        jdbc.update("UPDATE synthetic_request SET state = ?, reason = ? WHERE request_id = ?", state, reason, requestId);
    }

    public Optional<SyntheticRequest> find(String requestId) {
        return jdbc.query("SELECT * FROM synthetic_request WHERE request_id = ?", REQUEST, requestId).stream().findFirst();
    }
}
