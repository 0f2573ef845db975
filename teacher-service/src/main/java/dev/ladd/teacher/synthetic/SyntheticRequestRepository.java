package dev.ladd.teacher.synthetic;

import dev.ladd.events.v1.SyntheticDataRequested;
import dev.ladd.ml.blob.BlobId;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The synthetic_request and synthetic_shard tables of the teacher schema. */
@Repository
public class SyntheticRequestRepository {

    private static final RowMapper<SyntheticRequest> REQUEST = (rs, i) -> new SyntheticRequest(
            rs.getString("request_id"), rs.getString("run_id"), rs.getString("teacher_id"), rs.getInt("num_samples"),
            rs.getInt("shard_size"), rs.getString("state"), rs.getString("reason"), rs.getInt("attempts"),
            rs.getTimestamp("next_attempt_at").toInstant(), rs.getString("last_error"),
            rs.getTimestamp("created_at").toInstant());

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
     * Locks (until the caller's transaction ends) the oldest request a worker may claim now: an accepted one whose
     * backoff is over, or a claimed one whose lease ran out; skips rows another worker is claiming at this moment.
     */
    public Optional<GenerationJob> lockNextDue() {
        return jdbc.query("""
                SELECT r.*, (SELECT count(*) FROM synthetic_shard s WHERE s.request_id = r.request_id) AS shards_done
                FROM synthetic_request r
                WHERE (r.state = 'accepted' AND r.next_attempt_at <= now())
                   OR (r.state = 'claimed' AND r.claimed_until < now())
                ORDER BY r.created_at LIMIT 1 FOR UPDATE OF r SKIP LOCKED""",
                (rs, i) -> new GenerationJob(rs.getString("request_id"), rs.getString("run_id"), rs.getString("teacher_id"),
                        rs.getInt("num_samples"), rs.getInt("shard_size"), rs.getInt("sampler_steps"),
                        rs.getFloat("cfg_scale"), rs.getLong("seed"),
                        JSON.readValue(rs.getString("prompts"), new TypeReference<List<String>>() { }),
                        rs.getInt("shards_done"), rs.getInt("attempts"), rs.getString("state").equals("claimed"),
                        rs.getString("last_error"))).stream().findFirst();
    }

    /** Claims a request locked by {@link #lockNextDue} for {@code lease} under {@code token}: one more attempt. */
    public void claim(String requestId, String token, Duration lease) {
        jdbc.update("""
                UPDATE synthetic_request SET state = 'claimed', claimed_by = ?, attempts = attempts + 1,
                       claimed_until = now() + make_interval(secs => ?)
                WHERE request_id = ?""", token, lease.toMillis() / 1000.0, requestId);
    }

    /**
     * Locks the request if it is still claimed under {@code token} (until the caller's transaction ends); false
     * when the claim was lost: its lease ran out and another worker took the request over (or failed it).
     */
    public boolean lockClaim(String requestId, String token) {
        return !jdbc.queryForList("SELECT 1 FROM synthetic_request WHERE request_id = ? AND state = 'claimed' "
                + "AND claimed_by = ? FOR UPDATE", Integer.class, requestId, token).isEmpty();
    }

    /** Records a shard once; false (nothing written) if the request already has a shard with that index. */
    public boolean insertShard(String requestId, int shardIndex, BlobId blob, int count) {
        return jdbc.update("""
                INSERT INTO synthetic_shard (request_id, shard_index, sha256, size_bytes, sample_count) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (request_id, shard_index) DO NOTHING""",
                requestId, shardIndex, blob.sha256(), blob.sizeBytes(), count) == 1;
    }

    /** Gives a claimed request back, due at once, with a fresh attempt count for its next shard. */
    public void release(String requestId) {
        jdbc.update("""
                UPDATE synthetic_request SET state = 'accepted', attempts = 0, next_attempt_at = now(), last_error = NULL,
                       claimed_by = NULL, claimed_until = NULL
                WHERE request_id = ?""", requestId);
    }

    /** Gives a claimed request back after a failed attempt: due again after {@code backoff}. */
    public void retryLater(String requestId, String error, Duration backoff) {
        jdbc.update("""
                UPDATE synthetic_request SET state = 'accepted', last_error = ?, claimed_by = NULL, claimed_until = NULL,
                       next_attempt_at = now() + make_interval(secs => ?)
                WHERE request_id = ?""", error, backoff.toMillis() / 1000.0, requestId);
    }

    /** Ends a request in {@code state} (produced | failed), with the reason of a failure. */
    public void finish(String requestId, String state, String reason) {
        jdbc.update("""
                UPDATE synthetic_request SET state = ?, reason = ?, claimed_by = NULL, claimed_until = NULL
                WHERE request_id = ?""", state, reason, requestId);
    }

    public Optional<SyntheticRequest> find(String requestId) {
        return jdbc.query("SELECT * FROM synthetic_request WHERE request_id = ?", REQUEST, requestId).stream().findFirst();
    }
}
