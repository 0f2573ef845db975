package dev.ladd.eval.scoring;

import dev.ladd.ml.eval.Measurement;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The scoring_unit table: the latents of every finished unit (a chunk of the evaluation set) of work in progress,
 * so that the worker can leave it and come back, or restart, without sampling them again.
 */
@Repository
public class ScoringUnitRepository {

    private final JdbcTemplate jdbc;

    public ScoringUnitRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The model key of a checkpoint's student. */
    public static String student(String checkpointId) {
        return "student:" + checkpointId;
    }

    /** The model key of a teacher (its weights). */
    public static String teacher(String weightsSha256) {
        return "teacher:" + weightsSha256;
    }

    /** The units of a target a model has committed: first sample → latents. */
    public SortedMap<Integer, float[]> committed(String model, Measurement.Target target) {
        SortedMap<Integer, float[]> units = new TreeMap<>();
        jdbc.query("""
                SELECT first_sample, latents FROM scoring_unit
                WHERE model = ? AND num_samples = ? AND steps = ? AND cfg_scale = ?""",
                rs -> {
                    units.put(rs.getInt("first_sample"), floats(rs.getBytes("latents")));
                }, model, target.samples(), target.steps(), target.cfgScale());
        return units;
    }

    /** Commits one unit (once: a unit committed already is left as it is). */
    public void commit(String model, Measurement.Target target, int firstSample, int sampleCount, float[] latents) {
        jdbc.update("""
                INSERT INTO scoring_unit (model, num_samples, steps, cfg_scale, first_sample, sample_count, latents)
                VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
                model, target.samples(), target.steps(), target.cfgScale(), firstSample, sampleCount, bytes(latents));
    }

    /** Samples committed for a target, without reading the latents (for progress). */
    public int committedSamples(String model, Measurement.Target target) {
        return jdbc.queryForObject("""
                SELECT coalesce(sum(sample_count), 0) FROM scoring_unit
                WHERE model = ? AND num_samples = ? AND steps = ? AND cfg_scale = ?""",
                Integer.class, model, target.samples(), target.steps(), target.cfgScale());
    }

    /** Drops a target's units (once its score is stored). */
    public void delete(String model, Measurement.Target target) {
        jdbc.update("DELETE FROM scoring_unit WHERE model = ? AND num_samples = ? AND steps = ? AND cfg_scale = ?",
                model, target.samples(), target.steps(), target.cfgScale());
    }

    /** Drops every unit of a model (a refused checkpoint's). */
    public void deleteAll(String model) {
        jdbc.update("DELETE FROM scoring_unit WHERE model = ?", model);
    }

    static byte[] bytes(float[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        return buffer.array();
    }

    static float[] floats(byte[] bytes) {
        float[] values = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }
}
