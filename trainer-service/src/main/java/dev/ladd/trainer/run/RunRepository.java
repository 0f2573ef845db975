package dev.ladd.trainer.run;

import dev.ladd.events.v1.DistillationConfig;
import dev.ladd.events.v1.SyntheticShardProduced;
import dev.ladd.ml.blob.BlobId;
import dev.ladd.ml.blob.ModelRef;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

import java.util.List;
import java.util.Optional;

/** The run and synthetic_shard tables of the trainer schema. */
@Repository
public class RunRepository {

    private static final String SELECT_RUN = """
            SELECT r.run_id, r.teacher_id, r.state, r.requested_by, r.failure_reason, r.created_at, r.updated_at,
                   r.iterations, r.iteration, r.checkpoint_interval, r.cancel_requested, r.imported_from,
                   (SELECT count(*) FROM synthetic_shard s WHERE s.run_id = r.run_id) AS shards
            FROM run r""";

    private static final RowMapper<Run> RUN = (rs, i) -> new Run(
            rs.getString("run_id"), rs.getString("teacher_id"), RunState.fromLabel(rs.getString("state")),
            rs.getString("requested_by"), rs.getString("failure_reason"), rs.getInt("shards"),
            rs.getInt("iterations"), rs.getInt("iteration"), rs.getInt("checkpoint_interval"),
            rs.getBoolean("cancel_requested"),
            rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant(),
            rs.getString("imported_from"));

    /** A recorded shard, in the order the run reads them. */
    public record Shard(int requestIndex, int shardIndex, int shardCount, BlobId blob, int count) {
    }

    private final JdbcTemplate jdbc;

    public RunRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Inserts a new run; false if a run with that id already exists. */
    public boolean insert(String runId, String teacherId, DistillationConfig config, String requestedBy, String laddConfig,
                          int iterations, int checkpointInterval) {
        return jdbc.update("""
                INSERT INTO run (run_id, teacher_id, state, config, requested_by, ladd_config, iterations, checkpoint_interval)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id) DO NOTHING""",
                runId, teacherId, RunState.REQUESTED.label(), config.toByteArray(), requestedBy, laddConfig, iterations,
                checkpointInterval) == 1;
    }

    /**
     * Inserts a run that was not trained here but imported, complete, from a model folder (the committed default
     * student): {@code iterations} done, its teacher and autoencoder known. False if a run with that id exists.
     */
    public boolean insertImported(String runId, String teacherId, String requestedBy, String folder, int iterations,
                                  ModelRef teacher, ModelRef autoencoder) {
        return jdbc.update("""
                INSERT INTO run (run_id, teacher_id, state, config, requested_by, imported_from, iterations,
                                 checkpoint_interval, iteration, teacher_weights_sha256, teacher_weights_size,
                                 teacher_manifest_sha256, teacher_manifest_size, autoencoder_weights_sha256,
                                 autoencoder_weights_size, autoencoder_manifest_sha256, autoencoder_manifest_size)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id) DO NOTHING""",
                runId, teacherId, RunState.COMPLETED.label(),
                DistillationConfig.newBuilder().setIterations(iterations).setCheckpointInterval(iterations).build()
                        .toByteArray(), requestedBy, folder, iterations, iterations, iterations,
                teacher.weights().sha256(), teacher.weights().sizeBytes(), teacher.manifest().sha256(),
                teacher.manifest().sizeBytes(), autoencoder.weights().sha256(), autoencoder.weights().sizeBytes(),
                autoencoder.manifest().sha256(), autoencoder.manifest().sizeBytes())
                == 1;
    }

    public void updateState(String runId, RunState state, String failureReason) {
        jdbc.update("UPDATE run SET state = ?, failure_reason = ?, updated_at = now() WHERE run_id = ?",
                state.label(), failureReason, runId);
    }

    public Optional<Run> find(String runId) {
        return jdbc.query(SELECT_RUN + " WHERE r.run_id = ?", RUN, runId).stream().findFirst();
    }

    public List<Run> list(int limit) {
        return jdbc.query(SELECT_RUN + " ORDER BY r.created_at DESC LIMIT ?", RUN, limit);
    }

    /** Runs a trainer can work on: not finished, not being cancelled, and with data (hence a known teacher). */
    public List<String> runnable() {
        return jdbc.queryForList("""
                SELECT run_id FROM run
                WHERE state IN ('waiting-for-data', 'training') AND NOT cancel_requested
                  AND teacher_weights_sha256 IS NOT NULL
                ORDER BY created_at""", String.class);
    }

    public String laddConfig(String runId) {
        return jdbc.queryForObject("SELECT ladd_config FROM run WHERE run_id = ?", String.class, runId);
    }

    /** {weights, manifest} of the teacher the run distills. */
    public ModelRef teacherBlobs(String runId) {
        return jdbc.queryForObject("""
                SELECT teacher_weights_sha256, teacher_weights_size, teacher_manifest_sha256, teacher_manifest_size
                FROM run WHERE run_id = ?""", (rs, i) -> new ModelRef(
                new BlobId(rs.getString(1), rs.getLong(2)), new BlobId(rs.getString(3), rs.getLong(4))), runId);
    }

    /** Records the teacher checkpoint named by the run's first shard. */
    public void setTeacherIfUnknown(String runId, BlobId weights, BlobId manifest) {
        jdbc.update("""
                UPDATE run SET teacher_weights_sha256 = ?, teacher_weights_size = ?, teacher_manifest_sha256 = ?,
                               teacher_manifest_size = ?
                WHERE run_id = ? AND teacher_weights_sha256 IS NULL""",
                weights.sha256(), weights.sizeBytes(), manifest.sha256(), manifest.sizeBytes(), runId);
    }

    /** Records the autoencoder (the teacher's latent space) named by the run's first shard that names one. */
    public void setAutoencoderIfUnknown(String runId, BlobId weights, BlobId manifest) {
        jdbc.update("""
                UPDATE run SET autoencoder_weights_sha256 = ?, autoencoder_weights_size = ?, autoencoder_manifest_sha256 = ?,
                               autoencoder_manifest_size = ?
                WHERE run_id = ? AND autoencoder_weights_sha256 IS NULL""",
                weights.sha256(), weights.sizeBytes(), manifest.sha256(), manifest.sizeBytes(), runId);
    }

    /** {weights, manifest} of the autoencoder of the teacher's latent space; empty if no shard named one. */
    public Optional<ModelRef> autoencoderBlobs(String runId) {
        return jdbc.query("""
                SELECT autoencoder_weights_sha256, autoencoder_weights_size, autoencoder_manifest_sha256,
                       autoencoder_manifest_size
                FROM run WHERE run_id = ? AND autoencoder_weights_sha256 IS NOT NULL""", (rs, i) -> new ModelRef(
                new BlobId(rs.getString(1), rs.getLong(2)), new BlobId(rs.getString(3), rs.getLong(4))), runId)
                .stream().findFirst();
    }

    /** Records a shard the teacher produced; false if it was already recorded. */
    public boolean insertShard(SyntheticShardProduced shard, int requestIndex) {
        return jdbc.update("""
                INSERT INTO synthetic_shard (run_id, request_id, request_index, shard_index, shard_count, sha256,
                                             size_bytes, sample_count)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
                shard.getRunId(), shard.getRequestId(), requestIndex, shard.getShardIndex(), shard.getShardCount(),
                shard.getShard().getSha256(), shard.getShard().getSizeBytes(), shard.getCount()) == 1;
    }

    public List<Shard> shards(String runId) {
        return jdbc.query("""
                SELECT request_index, shard_index, shard_count, sha256, size_bytes, sample_count FROM synthetic_shard
                WHERE run_id = ? ORDER BY request_index, shard_index""", (rs, i) -> new Shard(rs.getInt(1), rs.getInt(2),
                rs.getInt(3), new BlobId(rs.getString(4), rs.getLong(5)), rs.getInt(6)), runId);
    }

    public int dataRequests(String runId) {
        return jdbc.queryForObject("SELECT data_requests FROM run WHERE run_id = ?", Integer.class, runId);
    }

    /** Moves the count of published data requests from {@code from} to {@code from + 1}; false if another did. */
    public boolean advanceDataRequests(String runId, int from) {
        return jdbc.update("UPDATE run SET data_requests = ? WHERE run_id = ? AND data_requests = ?",
                from + 1, runId, from) == 1;
    }

    public void progress(String runId, int iteration) {
        jdbc.update("UPDATE run SET iteration = ?, updated_at = now() WHERE run_id = ?", iteration, runId);
    }

    /** Starts a new lease on the run (its lock was just taken): increments and returns the run's lease epoch. */
    public long takeLease(String runId) {
        return jdbc.queryForObject("UPDATE run SET lease_epoch = lease_epoch + 1 WHERE run_id = ? RETURNING lease_epoch",
                Long.class, runId);
    }

    /**
     * Whether the lease with {@code epoch} is still the run's latest; locks the run's row until the transaction ends,
     * so that no trainer takes a newer lease before this transaction's writes commit. Call first in a transaction.
     */
    public boolean holdsLease(String runId, long epoch) {
        return !jdbc.queryForList("SELECT 1 FROM run WHERE run_id = ? AND lease_epoch = ? FOR UPDATE", Integer.class,
                runId, epoch).isEmpty();
    }

    /** Marks a running run for cancellation; false if it is not running or already marked. */
    public boolean requestCancel(String runId) {
        return jdbc.update("UPDATE run SET cancel_requested = true, updated_at = now() WHERE run_id = ? AND NOT cancel_requested",
                runId) == 1;
    }

    public boolean cancelRequested(String runId) {
        return Boolean.TRUE.equals(jdbc.queryForObject("SELECT cancel_requested FROM run WHERE run_id = ?", Boolean.class, runId));
    }
}
