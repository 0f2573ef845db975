package dev.ladd.eval.scoring;

import ai.djl.ndarray.NDManager;
import dev.ladd.eval.EvalProperties;
import dev.ladd.eval.checkpoint.CheckpointIntakeService;
import dev.ladd.eval.checkpoint.CheckpointRecord;
import dev.ladd.eval.checkpoint.CheckpointRepository;
import dev.ladd.eval.teacher.BaselineRepository;
import dev.ladd.events.Topics;
import dev.ladd.events.v1.CheckpointScored;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.Score;
import dev.ladd.ml.eval.Measurement;
import dev.ladd.ml.eval.ModelScore;
import dev.ladd.ml.metrics.SampleScorer;
import dev.ladd.ml.metrics.SpeedMeter;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.pipeline.FlowModel;
import dev.ladd.platform.db.AdvisoryLocks;
import dev.ladd.platform.events.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.function.BooleanSupplier;

/**
 * Scores one pass (quick or full) of a checkpoint, crash-safely and in units that can be left:
 * <ol>
 *   <li>its teacher's missing baselines at the pass's sample count: the teacher at each configured step count
 *       with CFG, on the same prompts and seeds; each one stored on its own, keyed by the teacher's weights, the
 *       metrics classifier and the sample count, so they are computed once (a PostgreSQL advisory lock keeps two
 *       replicas from computing the same teacher's at once);</li>
 *   <li>the student at each configured step count: samples for the evaluation set, decoded and scored
 *       ({@link SampleScorer}) and timed ({@link SpeedMeter}), each step count's score stored as it is done;</li>
 *   <li>one transaction records the pass, moves the checkpoint to scored and queues {@code CheckpointScored}
 *       (the pass, its sample count, the student's scores and the teacher's baselines) in the outbox.</li>
 * </ol>
 * Samples are made in units of {@link Measurement#UNIT}, each committed with its latents ({@code scoring_unit}):
 * between two units the work stops when the service stops or when {@code yieldNow} says that more urgent work
 * waits (a full pass makes way for quick ones); it goes on later from the first missing unit. Nothing is
 * published before 3, and 3 only if the pass was not recorded yet, so no pass is announced twice. A checkpoint
 * whose models cannot be used is refused with the reason; one whose scoring keeps failing for another reason is
 * refused after {@code ladd.eval.worker.max-attempts} tries.
 */
@Service
public class CheckpointScoring {

    private static final Logger log = LoggerFactory.getLogger(CheckpointScoring.class);

    /** What became of a pass handed to {@link #score}. */
    public enum Outcome { SCORED, REFUSED, RETRY_LATER, BUSY, NOT_PENDING, STOPPED, YIELDED }

    /** The work stopped between two units (the service stops, or more urgent work waits). */
    private static final class Interrupted extends Exception {
    }

    /** Another replica holds the teacher whose baselines are missing. */
    private static final class TeacherBusy extends Exception {
    }

    private final CheckpointRepository checkpoints;
    private final ScoreRepository scores;
    private final BaselineRepository baselines;
    private final ScoringUnitRepository units;
    private final ModelStore models;
    private final MetricsClassifier classifier;
    private final AdvisoryLocks locks;
    private final Outbox outbox;
    private final TransactionTemplate tx;
    private final EvalProperties properties;
    private final ScoringStatus status;

    public CheckpointScoring(CheckpointRepository checkpoints, ScoreRepository scores, BaselineRepository baselines,
                             ScoringUnitRepository units, ModelStore models, MetricsClassifier classifier,
                             AdvisoryLocks locks, Outbox outbox, TransactionTemplate tx, EvalProperties properties,
                             ScoringStatus status) {
        this.checkpoints = checkpoints;
        this.scores = scores;
        this.baselines = baselines;
        this.units = units;
        this.models = models;
        this.classifier = classifier;
        this.locks = locks;
        this.outbox = outbox;
        this.tx = tx;
        this.properties = properties;
        this.status = status;
    }

    /**
     * Scores the pass of the checkpoint if it still needs it and no other worker holds it.
     *
     * @param keepGoing false when the service is stopping: the pass is finished after a restart
     * @param yieldNow  asked between units: true when more urgent work waits (the units made so far are kept)
     */
    public Outcome score(String checkpointId, Pass pass, BooleanSupplier keepGoing, BooleanSupplier yieldNow)
            throws SQLException {
        Optional<AdvisoryLocks.Held> lock = locks.tryLock("checkpoint:" + checkpointId);
        if (lock.isEmpty()) {
            return Outcome.BUSY;
        }
        try (AdvisoryLocks.Held held = lock.get()) {
            CheckpointRecord checkpoint = checkpoints.find(checkpointId).orElse(null);
            if (checkpoint == null || !needs(checkpoint, pass)) {
                return Outcome.NOT_PENDING;   // another worker did it since the queue was read
            }
            return scorePass(checkpoint, pass, keepGoing, yieldNow);
        }
    }

    /** Whether the checkpoint still needs this pass: a quick one before its first score, a full one until it has it. */
    public static boolean needs(CheckpointRecord checkpoint, Pass pass) {
        return switch (checkpoint.state()) {
            case CheckpointRecord.PENDING -> true;
            case CheckpointRecord.SCORED -> pass == Pass.FULL && !checkpoint.hasPass(Pass.FULL);
            default -> false;
        };
    }

    /** The targets of a pass: the teacher at each baseline step count with CFG, then the student's step counts. */
    public List<Measurement.Target> baselineTargets(Pass pass) {
        return properties.teacherSteps().stream()
                .map(steps -> Measurement.Target.teacher(steps, properties.teacherCfgScale(), properties.samples(pass)))
                .toList();
    }

    public List<Measurement.Target> studentTargets(Pass pass) {
        return properties.studentSteps().stream().map(steps -> Measurement.Target.student(steps, properties.samples(pass)))
                .toList();
    }

    /** The teacher's stored baselines among these targets. */
    public Map<Measurement.Target, ModelScore> storedBaselines(String teacherSha256, String classifierSha256,
                                                               List<Measurement.Target> targets) {
        Map<Measurement.Target, ModelScore> found = new LinkedHashMap<>();
        List<BaselineRepository.Baseline> stored = baselines.of(teacherSha256, classifierSha256);
        for (Measurement.Target t : targets) {
            stored.stream().map(BaselineRepository.Baseline::score)
                    .filter(b -> b.steps() == t.steps() && b.cfgScale() == t.cfgScale() && b.samples() == t.samples())
                    .findFirst().ifPresent(b -> found.put(t, b));
        }
        return found;
    }

    private Outcome scorePass(CheckpointRecord checkpoint, Pass pass, BooleanSupplier keepGoing, BooleanSupplier yieldNow)
            throws SQLException {
        String id = checkpoint.checkpointId();
        BooleanSupplier goOn = () -> keepGoing.getAsBoolean() && !yieldNow.getAsBoolean();
        try {
            CheckpointRepository.Models stored = checkpoints.models(id);
            if (stored.teacher() == null || stored.autoencoder() == null) {
                throw new UnusableModelException("the checkpoint was recorded without the claim checks of its teacher and "
                        + "autoencoder (received before eval-service took them); publish it again to have it scored");
            }
            String classifierSha = classifier.sha256();
            String teacherSha = stored.teacher().weights().sha256();
            List<Measurement.Target> baselineTargets = baselineTargets(pass);
            List<Measurement.Target> studentTargets = studentTargets(pass);
            Map<Measurement.Target, ModelScore> teacherScores = storedBaselines(teacherSha, classifierSha, baselineTargets);
            List<Measurement.Target> missing = baselineTargets.stream().filter(t -> !teacherScores.containsKey(t)).toList();

            List<Measurement.Target> work = new ArrayList<>(missing);
            work.addAll(studentTargets);
            ScoringProgress progress = new ScoringProgress(id, pass, work,
                    properties.speed().warmup() + properties.speed().repeats(), properties.worker().progressLogInterval(),
                    log::info);
            for (Measurement.Target t : missing) {
                progress.alreadyDone(t, units.committedSamples(ScoringUnitRepository.teacher(teacherSha), t), false);
            }
            for (Measurement.Target t : studentTargets) {
                boolean finished = scores.find(id, pass, t.steps(), t.samples()).isPresent();
                progress.alreadyDone(t, finished ? t.samples()
                        : units.committedSamples(ScoringUnitRepository.student(id), t), finished);
            }
            long started = System.nanoTime();
            status.begin(progress);
            try {
                if (!missing.isEmpty()) {
                    teacherScores.putAll(computeBaselines(checkpoint.teacherId(), stored, teacherSha, classifierSha, missing,
                            progress, goOn));
                }
                List<ModelScore> student = scoreStudent(id, stored, pass, studentTargets, progress, goOn);
                boolean published = Boolean.TRUE.equals(tx.execute(txStatus -> {
                    if (!checkpoints.markScored(id, pass)) {
                        return false;
                    }
                    List<ModelScore> all = new ArrayList<>(student);
                    baselineTargets.forEach(t -> all.add(teacherScores.get(t)));
                    outbox.publish(Topics.CHECKPOINT_SCORES, checkpoint.runId(), checkpoint.runId(), EventEnvelope.newBuilder()
                            .setCheckpointScored(CheckpointScored.newBuilder().setRunId(checkpoint.runId()).setCheckpointId(id)
                                    .setStep(checkpoint.step()).setTeacherId(checkpoint.teacherId())
                                    .setPass(pass.toProto()).setNumSamples(properties.samples(pass))
                                    .addAllScores(all.stream().map(CheckpointScoring::toProto).toList())));
                    return true;
                }));
                if (published) {
                    log.info("checkpoint {}: {} pass scored over {} samples in {} s (this run of the work): {}", id, pass,
                            properties.samples(pass), Math.round((System.nanoTime() - started) / 1e9),
                            student.stream().map(s -> String.format("student@%d FID %.2f adherence %.3f %.1f ms/image (b1)",
                                    s.steps(), s.fid(), s.adherence(), s.msPerImageBatch1())).toList());
                }
                return published ? Outcome.SCORED : Outcome.NOT_PENDING;
            } finally {
                status.end(progress);
            }
        } catch (UnusableModelException e) {
            refuse(checkpoint, pass, e.getMessage());
            return Outcome.REFUSED;
        } catch (Interrupted e) {
            if (!keepGoing.getAsBoolean()) {
                log.info("checkpoint {}: {} pass left between two units: the service is stopping; its units are kept", id, pass);
                return Outcome.STOPPED;
            }
            log.info("checkpoint {}: {} pass left between two units for a quick pass that waits; its units are kept",
                    id, pass);
            return Outcome.YIELDED;
        } catch (TeacherBusy e) {
            return Outcome.BUSY;   // another replica is computing this teacher's baselines
        } catch (MetricsClassifier.UnavailableException | DataAccessException e) {
            throw e;   // the service's trouble, not the checkpoint's: the worker retries later, counting nothing
        } catch (RuntimeException e) {
            int attempts = checkpoints.recordFailedAttempt(id);
            log.error("scoring checkpoint {} ({} pass) failed (attempt {} of {})", id, pass, attempts,
                    properties.worker().maxAttempts(), e);
            if (attempts >= properties.worker().maxAttempts()) {
                refuse(checkpoint, pass, "scoring failed " + attempts + " times; last: " + e);
                return Outcome.REFUSED;
            }
            return Outcome.RETRY_LATER;
        }
    }

    private void refuse(CheckpointRecord checkpoint, Pass pass, String reason) {
        tx.executeWithoutResult(txStatus -> {
            if (checkpoints.markRefused(checkpoint.checkpointId(), reason)) {
                units.deleteAll(ScoringUnitRepository.student(checkpoint.checkpointId()));
                CheckpointIntakeService.publishRefusal(outbox, checkpoint.runId(), checkpoint.checkpointId(),
                        checkpoint.step(), checkpoint.teacherId(), pass, reason);
                log.warn("checkpoint {} refused ({} pass): {}", checkpoint.checkpointId(), pass, reason);
            }
        });
    }

    /** Computes the missing baselines under the teacher's lock; each one is stored as soon as it is done. */
    private Map<Measurement.Target, ModelScore> computeBaselines(String teacherId, CheckpointRepository.Models stored,
                                                                 String teacherSha, String classifierSha,
                                                                 List<Measurement.Target> missing, ScoringProgress progress,
                                                                 BooleanSupplier goOn)
            throws SQLException, UnusableModelException, Interrupted, TeacherBusy {
        Optional<AdvisoryLocks.Held> lock = locks.tryLock("teacher:" + teacherSha);
        if (lock.isEmpty()) {
            throw new TeacherBusy();
        }
        try (AdvisoryLocks.Held held = lock.get()) {
            Map<Measurement.Target, ModelScore> done = storedBaselines(teacherSha, classifierSha, missing);   // again
            if (done.size() == missing.size()) {
                return done;
            }
            String key = ScoringUnitRepository.teacher(teacherSha);
            log.info("computing the baselines of teacher {} (weights {}): {}", teacherId, teacherSha,
                    missing.stream().filter(t -> !done.containsKey(t)).map(t -> t.label() + " over " + t.samples()).toList());
            try (NDManager manager = NDManager.newBaseManager();
                 FlowModel teacher = models.teacher(stored.teacher())) {
                Autoencoder autoencoder = models.autoencoder(stored.autoencoder(), manager);
                ModelStore.checkLatentSpace("teacher " + teacherId, teacher.network(), autoencoder);
                try (SampleScorer scorer = classifier.scorer(autoencoder, missing.get(0).samples())) {
                    Measurement measurement = new Measurement(scorer, meter());
                    for (Measurement.Target t : missing) {
                        if (done.containsKey(t)) {
                            continue;
                        }
                        ModelScore baseline = measurement.measure(t, Measurement.pipeline(teacher, autoencoder, t), units(key, t),
                                progress, goOn).orElseThrow(Interrupted::new);
                        tx.executeWithoutResult(txStatus -> {
                            baselines.insert(teacherSha, classifierSha, baseline, BaselineRepository.COMPUTED);
                            units.delete(key, t);
                        });
                        done.put(t, baseline);
                    }
                }
            }
            return done;
        }
    }

    /** The student's scores of the pass: those stored already, the others measured and stored one by one. */
    private List<ModelScore> scoreStudent(String id, CheckpointRepository.Models stored, Pass pass,
                                          List<Measurement.Target> targets, ScoringProgress progress, BooleanSupplier goOn)
            throws UnusableModelException, Interrupted {
        Map<Measurement.Target, ModelScore> results = new LinkedHashMap<>();
        List<Measurement.Target> todo = new ArrayList<>();
        for (Measurement.Target t : targets) {
            scores.find(id, pass, t.steps(), t.samples()).ifPresentOrElse(s -> results.put(t, s), () -> todo.add(t));
        }
        if (!todo.isEmpty()) {
            String key = ScoringUnitRepository.student(id);
            try (NDManager manager = NDManager.newBaseManager();
                 FlowModel student = models.student(stored.student())) {
                Autoencoder autoencoder = models.autoencoder(stored.autoencoder(), manager);
                ModelStore.checkLatentSpace("student", student.network(), autoencoder);
                try (SampleScorer scorer = classifier.scorer(autoencoder, todo.get(0).samples())) {
                    Measurement measurement = new Measurement(scorer, meter());
                    for (Measurement.Target t : todo) {
                        ModelScore score = measurement.measure(t, Measurement.pipeline(student, autoencoder, t), units(key, t),
                                progress, goOn).orElseThrow(Interrupted::new);
                        tx.executeWithoutResult(txStatus -> {
                            scores.save(id, pass, score);
                            units.delete(key, t);
                        });
                        results.put(t, score);
                    }
                }
            }
        }
        return targets.stream().map(results::get).toList();
    }

    /** The units of a target in the database: committed one by one, so they survive a stop or a crash. */
    /** A score as {@code CheckpointScored} carries it. */
    static Score toProto(ModelScore s) {
        return Score.newBuilder().setSampler(s.sampler()).setSteps(s.steps()).setCfgScale((float) s.cfgScale()).setFid(s.fid())
                .setPrecision(s.precision()).setRecall(s.recall()).setPromptAdherence(s.adherence())
                .setMsPerImageBatch1(s.msPerImageBatch1()).setMsPerImageBatch64(s.msPerImageBatch64())
                .setImagesPerSecond(s.imagesPerSecond()).setNumSamples(s.samples()).build();
    }

    private Measurement.Units units(String model, Measurement.Target target) {
        return new Measurement.Units() {
            @Override
            public SortedMap<Integer, float[]> committed() {
                return units.committed(model, target);
            }

            @Override
            public void commit(int firstSample, int sampleCount, float[] latents) {
                units.commit(model, target, firstSample, sampleCount, latents);
            }
        };
    }

    private SpeedMeter meter() {
        return new SpeedMeter(properties.speed().warmup(), properties.speed().repeats());
    }
}
