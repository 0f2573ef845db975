package dev.ladd.eval.scoring;

import ai.djl.ndarray.NDManager;
import dev.ladd.eval.EvalProperties;
import dev.ladd.eval.checkpoint.CheckpointIntakeService;
import dev.ladd.eval.checkpoint.CheckpointRecord;
import dev.ladd.eval.checkpoint.CheckpointRepository;
import dev.ladd.eval.teacher.TeacherRecord;
import dev.ladd.eval.teacher.TeacherRepository;
import dev.ladd.events.Topics;
import dev.ladd.events.v1.CheckpointScored;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.ml.ladd.Student;
import dev.ladd.ml.metrics.ModelBench;
import dev.ladd.ml.metrics.SampleScorer;
import dev.ladd.ml.metrics.SpeedMeter;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.teacher.Teacher;
import dev.ladd.platform.db.AdvisoryLocks;
import dev.ladd.platform.events.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Scores one pending checkpoint, crash-safely:
 * <ol>
 *   <li>its teacher's baselines, if any is missing: the teacher at each configured step count with CFG, on the
 *       same prompts and seeds; each baseline row commits on its own, so they are computed once per teacher
 *       (a PostgreSQL advisory lock keeps two replicas from computing the same teacher's at once);</li>
 *   <li>the student at each configured step count: samples for the evaluation set, decoded and scored
 *       ({@link SampleScorer}), and timed ({@link SpeedMeter});</li>
 *   <li>one transaction stores the scores, moves the checkpoint from pending to scored and queues
 *       {@code CheckpointScored} (student scores and the teacher's baselines) in the outbox.</li>
 * </ol>
 * A crash before 3 leaves the checkpoint pending: it is scored again from the start, and nothing was
 * published. Step 3 publishes only if its update found the checkpoint still pending, so no checkpoint is
 * announced twice. A checkpoint whose models cannot be used is refused with the reason; one whose scoring
 * keeps failing for another reason is refused after {@code ladd.eval.worker.max-attempts} tries.
 */
@Service
public class CheckpointScoring {

    private static final Logger log = LoggerFactory.getLogger(CheckpointScoring.class);

    /** What became of a checkpoint handed to {@link #score}. */
    public enum Outcome { SCORED, REFUSED, RETRY_LATER, BUSY, NOT_PENDING, STOPPED }

    /** The classifier folder cannot be read: nothing can be scored until the configuration is fixed. */
    public static final class ScoringUnavailableException extends RuntimeException {
        ScoringUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final class Stopped extends Exception {
    }

    private final CheckpointRepository checkpoints;
    private final ScoreRepository scores;
    private final TeacherRepository teachers;
    private final ModelStore models;
    private final AdvisoryLocks locks;
    private final Outbox outbox;
    private final TransactionTemplate tx;
    private final EvalProperties properties;

    public CheckpointScoring(CheckpointRepository checkpoints, ScoreRepository scores, TeacherRepository teachers,
                             ModelStore models, AdvisoryLocks locks, Outbox outbox, TransactionTemplate tx,
                             EvalProperties properties) {
        this.checkpoints = checkpoints;
        this.scores = scores;
        this.teachers = teachers;
        this.models = models;
        this.locks = locks;
        this.outbox = outbox;
        this.tx = tx;
        this.properties = properties;
    }

    /**
     * Scores the checkpoint if it is pending and no other worker holds it.
     *
     * @param keepGoing false when the service is stopping: the checkpoint stays pending and is scored after a restart
     */
    public Outcome score(String checkpointId, BooleanSupplier keepGoing) throws SQLException {
        Optional<AdvisoryLocks.Held> lock = locks.tryLock("checkpoint:" + checkpointId);
        if (lock.isEmpty()) {
            return Outcome.BUSY;
        }
        try (AdvisoryLocks.Held held = lock.get()) {
            CheckpointRecord checkpoint = checkpoints.find(checkpointId).orElse(null);
            if (checkpoint == null || !checkpoint.state().equals(CheckpointRecord.PENDING)) {
                return Outcome.NOT_PENDING;   // another worker finished it since the list was read
            }
            return scorePending(checkpoint, keepGoing);
        }
    }

    private Outcome scorePending(CheckpointRecord checkpoint, BooleanSupplier keepGoing) throws SQLException {
        String id = checkpoint.checkpointId();
        try {
            CheckpointRepository.Models stored = checkpoints.models(id);
            if (stored.teacher() == null || stored.autoencoder() == null) {
                throw new UnusableModelException("the checkpoint was recorded without the claim checks of its teacher and "
                        + "autoencoder (received before eval-service took them); publish it again to have it scored");
            }
            Optional<List<ModelScore>> baselines = baselines(checkpoint.teacherId(), keepGoing);
            if (baselines.isEmpty()) {
                return Outcome.BUSY;   // another replica is computing this teacher's baselines
            }
            long started = System.nanoTime();
            List<ModelScore> student = scoreStudent(stored, keepGoing);
            boolean published = Boolean.TRUE.equals(tx.execute(status -> {
                scores.save(id, student);
                if (!checkpoints.markScored(id)) {
                    return false;
                }
                List<ModelScore> all = new ArrayList<>(student);
                all.addAll(baselines.get());
                outbox.publish(Topics.CHECKPOINT_SCORES, checkpoint.runId(), checkpoint.runId(), EventEnvelope.newBuilder()
                        .setCheckpointScored(CheckpointScored.newBuilder().setRunId(checkpoint.runId()).setCheckpointId(id)
                                .setStep(checkpoint.step()).setTeacherId(checkpoint.teacherId())
                                .addAllScores(all.stream().map(ModelScore::toProto).toList())));
                return true;
            }));
            if (published) {
                log.info("checkpoint {} scored in {} s: {}", id, Math.round((System.nanoTime() - started) / 1e9),
                        student.stream().map(s -> String.format("student@%d FID %.2f adherence %.3f %.1f ms/image (b1)",
                                s.steps(), s.fid(), s.adherence(), s.msPerImageBatch1())).toList());
            }
            return published ? Outcome.SCORED : Outcome.NOT_PENDING;
        } catch (UnusableModelException e) {
            refuse(checkpoint, e.getMessage());
            return Outcome.REFUSED;
        } catch (Stopped e) {
            log.info("checkpoint {} stays pending: the service is stopping", id);
            return Outcome.STOPPED;
        } catch (ScoringUnavailableException | DataAccessException e) {
            throw e;   // the service's trouble, not the checkpoint's: the worker retries later, counting nothing
        } catch (RuntimeException e) {
            int attempts = checkpoints.recordFailedAttempt(id);
            log.error("scoring checkpoint {} failed (attempt {} of {})", id, attempts, properties.worker().maxAttempts(), e);
            if (attempts >= properties.worker().maxAttempts()) {
                refuse(checkpoint, "scoring failed " + attempts + " times; last: " + e);
                return Outcome.REFUSED;
            }
            return Outcome.RETRY_LATER;
        }
    }

    private void refuse(CheckpointRecord checkpoint, String reason) {
        tx.executeWithoutResult(status -> {
            if (checkpoints.markRefused(checkpoint.checkpointId(), reason)) {
                CheckpointIntakeService.publishRefusal(outbox, checkpoint.runId(), checkpoint.checkpointId(),
                        checkpoint.step(), checkpoint.teacherId(), reason);
                log.warn("checkpoint {} refused: {}", checkpoint.checkpointId(), reason);
            }
        });
    }

    /**
     * The teacher's configured baselines, computing the missing ones first; empty when another replica holds
     * this teacher (its baselines are being computed there).
     */
    private Optional<List<ModelScore>> baselines(String teacherId, BooleanSupplier keepGoing)
            throws SQLException, UnusableModelException, Stopped {
        if (missingBaselines(teacherId).isEmpty()) {
            return Optional.of(configuredBaselines(teacherId));
        }
        Optional<AdvisoryLocks.Held> lock = locks.tryLock("teacher:" + teacherId);
        if (lock.isEmpty()) {
            return Optional.empty();
        }
        try (AdvisoryLocks.Held held = lock.get()) {
            List<Integer> missing = missingBaselines(teacherId);   // again: another replica may have finished them
            if (!missing.isEmpty()) {
                computeBaselines(teacherId, missing, keepGoing);
            }
            return Optional.of(configuredBaselines(teacherId));
        }
    }

    private List<Integer> missingBaselines(String teacherId) {
        List<ModelScore> have = configuredBaselines(teacherId);
        return properties.teacherSteps().stream()
                .filter(steps -> have.stream().noneMatch(b -> b.steps() == steps)).toList();
    }

    private List<ModelScore> configuredBaselines(String teacherId) {
        return teachers.baselines(teacherId).stream()
                .filter(b -> b.cfgScale() == properties.teacherCfgScale() && b.samples() == properties.samples()
                        && properties.teacherSteps().contains(b.steps()))
                .toList();
    }

    private void computeBaselines(String teacherId, List<Integer> missing, BooleanSupplier keepGoing)
            throws UnusableModelException, Stopped {
        TeacherRecord record = teachers.find(teacherId)
                .orElseThrow(() -> new IllegalStateException("teacher " + teacherId + " was not recorded with its checkpoint"));
        double cfg = properties.teacherCfgScale();
        log.info("computing the baselines of teacher {} at {} steps with CFG {} ({} samples each)", teacherId, missing,
                cfg, properties.samples());
        try (NDManager manager = NDManager.newBaseManager();
             Teacher teacher = models.teacher(record.teacher())) {
            Autoencoder autoencoder = models.autoencoder(record.autoencoder(), manager);
            ModelStore.checkLatentSpace("teacher " + teacherId, teacher.model(), autoencoder);
            try (SampleScorer scorer = scorer(autoencoder)) {
                ModelBench bench = new ModelBench(scorer, meter(), autoencoder);
                for (int steps : missing) {
                    checkGoing(keepGoing);
                    ModelScore baseline = ModelScore.of(ModelScore.TEACHER, steps, cfg,
                            bench.measure((prompts, seeds) -> teacher.sample(prompts, seeds, steps, cfg, 1.0)));
                    teachers.insertBaseline(teacherId, baseline);
                    log.info("teacher {} baseline at {} steps, CFG {}: FID {} adherence {} {} ms/image (b1)", teacherId,
                            steps, cfg, String.format("%.2f", baseline.fid()), String.format("%.3f", baseline.adherence()),
                            String.format("%.1f", baseline.msPerImageBatch1()));
                }
            }
        }
    }

    private List<ModelScore> scoreStudent(CheckpointRepository.Models stored, BooleanSupplier keepGoing)
            throws UnusableModelException, Stopped {
        List<ModelScore> results = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager();
             Student student = models.student(stored.student())) {
            Autoencoder autoencoder = models.autoencoder(stored.autoencoder(), manager);
            ModelStore.checkLatentSpace("student", student.model(), autoencoder);
            try (SampleScorer scorer = scorer(autoencoder)) {
                ModelBench bench = new ModelBench(scorer, meter(), autoencoder);
                for (int steps : properties.studentSteps()) {
                    checkGoing(keepGoing);
                    results.add(ModelScore.of(ModelScore.STUDENT, steps, 0,
                            bench.measure((prompts, seeds) -> student.sample(prompts, seeds, steps))));
                }
            }
        }
        return results;
    }

    private SampleScorer scorer(Autoencoder autoencoder) {
        try {
            return new SampleScorer(properties.classifierDir(), autoencoder, properties.samples());
        } catch (IOException e) {
            throw new ScoringUnavailableException("the metrics classifier in " + properties.classifierDir().toAbsolutePath()
                    + " cannot be read (ladd.eval.classifier-dir): " + e.getMessage(), e);
        }
    }

    private SpeedMeter meter() {
        return new SpeedMeter(properties.speed().warmup(), properties.speed().repeats());
    }

    private static void checkGoing(BooleanSupplier keepGoing) throws Stopped {
        if (!keepGoing.getAsBoolean()) {
            throw new Stopped();
        }
    }
}
