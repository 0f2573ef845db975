package dev.ladd.eval.scoring;

import dev.ladd.eval.EvalProperties;
import dev.ladd.eval.checkpoint.CheckpointRecord;
import dev.ladd.eval.checkpoint.CheckpointRepository;
import dev.ladd.eval.teacher.BaselineRepository;
import dev.ladd.eval.teacher.TeacherRecord;
import dev.ladd.eval.teacher.TeacherRepository;
import dev.ladd.ml.eval.Measurement;
import dev.ladd.ml.eval.ModelScore;
import dev.ladd.platform.web.NotFoundException;
import org.springframework.stereotype.Service;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the API shows of checkpoints, their scores and progress, the teachers' baselines and the scoring worker. */
@Service
public class ScoreQueries {

    /**
     * How far the next pass of a checkpoint is.
     *
     * @param done       samples made (teacher baselines it needs first included) of {@code total}
     * @param etaSeconds while the worker is on it, once its pace is known; null otherwise
     * @param active     whether this instance's worker is on it now
     */
    public record Progress(Pass pass, long done, long total, Long etaSeconds, boolean active) {
    }

    /**
     * A checkpoint with its scores.
     *
     * @param scoredPass  the most thorough pass announced (full supersedes quick); null before the first
     * @param scores      the student's scores of {@code scoredPass}, fewest steps first
     * @param quickScores the quick pass's scores, kept beside the full ones
     * @param progress    the pass it waits for; null when fully scored or refused
     */
    public record CheckpointScores(String checkpointId, String runId, int step, String teacherId, String weightsSha256,
                                   String state, String refusalReason, Instant receivedAt, Instant scoredAt,
                                   Instant quickScoredAt, Instant fullScoredAt, Pass scoredPass, List<ModelScore> scores,
                                   List<ModelScore> quickScores, Progress progress) {
    }

    /** Every checkpoint of a run with its scores, by step. */
    public record RunScores(String runId, List<CheckpointScores> checkpoints) {
    }

    /**
     * One of a teacher's baselines.
     *
     * @param pass   the pass whose sample count it was measured at (null: neither of today's)
     * @param source "computed", or "imported from FILE"
     */
    public record Baseline(String sampler, int steps, double cfgScale, double fid, double precision, double recall,
                           double adherence, double msPerImageBatch1, double msPerImageBatch64, double imagesPerSecond,
                           int samples, Pass pass, String source) {
    }

    /**
     * A teacher's baselines on the evaluation set.
     *
     * @param weightsSha256    the teacher checkpoint the baselines were measured on
     * @param classifierSha256 the metrics classifier they were measured with (the configured one)
     * @param baselines        most steps first, then the largest set first; empty until computed or imported
     */
    public record TeacherBaselines(String teacherId, String weightsSha256, String classifierSha256, Instant recordedAt,
                                   List<Baseline> baselines) {
    }

    /** One pass waiting in the worker's queue. */
    public record QueueEntry(String checkpointId, String runId, int step, String teacherId, Progress progress) {
    }

    /**
     * What the scoring worker does.
     *
     * @param workerEnabled whether this instance scores ({@code ladd.eval.worker.enabled})
     * @param current       what this instance's worker measures now; null when idle
     * @param queue         every pass to do, in the order the worker takes them (the current one first)
     */
    public record ScoringOverview(boolean workerEnabled, int quickSamples, int fullSamples, boolean quickPass,
                                  ScoringProgress.Snapshot current, List<QueueEntry> queue) {
    }

    private final CheckpointRepository checkpoints;
    private final ScoreRepository scores;
    private final TeacherRepository teachers;
    private final BaselineRepository baselines;
    private final ScoringUnitRepository units;
    private final CheckpointScoring scoring;
    private final ScoringQueue queue;
    private final ScoringStatus status;
    private final MetricsClassifier classifier;
    private final EvalProperties properties;

    public ScoreQueries(CheckpointRepository checkpoints, ScoreRepository scores, TeacherRepository teachers,
                        BaselineRepository baselines, ScoringUnitRepository units, CheckpointScoring scoring,
                        ScoringQueue queue, ScoringStatus status, MetricsClassifier classifier,
                        EvalProperties properties) {
        this.checkpoints = checkpoints;
        this.scores = scores;
        this.teachers = teachers;
        this.baselines = baselines;
        this.units = units;
        this.scoring = scoring;
        this.queue = queue;
        this.status = status;
        this.classifier = classifier;
        this.properties = properties;
    }

    public CheckpointRecord checkpoint(String checkpointId) {
        return checkpoints.find(checkpointId)
                .orElseThrow(() -> new NotFoundException("no checkpoint with id '" + checkpointId + "'"));
    }

    public List<CheckpointRecord> checkpointsOfRun(String runId) {
        return checkpoints.byRun(runId);
    }

    public CheckpointScores checkpointScores(String checkpointId) {
        CheckpointRecord c = checkpoint(checkpointId);
        return withScores(c, Map.of(Pass.QUICK, scores.of(checkpointId, Pass.QUICK), Pass.FULL, scores.of(checkpointId, Pass.FULL)),
                status.current());
    }

    public RunScores runScores(String runId) {
        List<CheckpointRecord> ofRun = checkpoints.byRun(runId);
        if (ofRun.isEmpty()) {
            throw new NotFoundException("no checkpoint of run '" + runId + "' has reached eval-service");
        }
        Map<String, Map<Pass, List<ModelScore>>> byCheckpoint = scores.ofRun(runId);
        Optional<ScoringProgress.Snapshot> current = status.current();
        return new RunScores(runId, ofRun.stream()
                .map(c -> withScores(c, byCheckpoint.getOrDefault(c.checkpointId(), Map.of()), current)).toList());
    }

    private CheckpointScores withScores(CheckpointRecord c, Map<Pass, List<ModelScore>> byPass,
                                        Optional<ScoringProgress.Snapshot> current) {
        Pass shown = c.scoredPass();
        List<ModelScore> quick = c.hasPass(Pass.QUICK) ? byPass.getOrDefault(Pass.QUICK, List.of()) : List.of();
        return new CheckpointScores(c.checkpointId(), c.runId(), c.step(), c.teacherId(), c.weightsSha256(), c.state(),
                c.refusalReason(), c.receivedAt(), c.scoredAt(), c.quickScoredAt(), c.fullScoredAt(), shown,
                shown == null ? List.of() : byPass.getOrDefault(shown, List.of()), quick, progress(c, current));
    }

    /** The progress of the checkpoint's next pass: the worker's own figures while it is on it, else the database's. */
    Progress progress(CheckpointRecord c, Optional<ScoringProgress.Snapshot> current) {
        Pass next = c.state().equals(CheckpointRecord.PENDING) && properties.quickPass() ? Pass.QUICK : Pass.FULL;
        if (!CheckpointScoring.needs(c, next)) {
            return null;
        }
        if (current.isPresent() && current.get().subject().equals(c.checkpointId()) && current.get().pass() == next) {
            ScoringProgress.Snapshot now = current.get();
            return new Progress(next, now.done(), now.total(), now.etaSeconds(), true);
        }
        String id = c.checkpointId();
        long done = 0;
        long total = 0;
        for (Measurement.Target t : scoring.studentTargets(next)) {
            total += t.samples();
            done += scores.find(id, next, t.steps(), t.samples()).isPresent() ? t.samples()
                    : units.committedSamples(ScoringUnitRepository.student(id), t);
        }
        CheckpointRepository.Models models = checkpoints.models(id);
        if (models.teacher() != null) {
            String teacherSha = models.teacher().weights().sha256();
            List<Measurement.Target> targets = scoring.baselineTargets(next);
            Map<Measurement.Target, ModelScore> stored = scoring.storedBaselines(teacherSha, classifier.sha256(), targets);
            for (Measurement.Target t : targets) {
                if (!stored.containsKey(t)) {
                    total += t.samples();
                    done += units.committedSamples(ScoringUnitRepository.teacher(teacherSha), t);
                }
            }
        }
        return new Progress(next, done, total, null, false);
    }

    public ScoringOverview scoring() {
        Optional<ScoringProgress.Snapshot> current = status.current();
        List<QueueEntry> entries = queue.entries().stream().limit(100).map(e -> {
            CheckpointRecord c = e.checkpoint();
            return new QueueEntry(c.checkpointId(), c.runId(), c.step(), c.teacherId(), progress(c, current));
        }).filter(e -> e.progress() != null).toList();
        return new ScoringOverview(properties.worker().enabled(), properties.quickSamples(), properties.samples(),
                properties.quickPass(), current.orElse(null), entries);
    }

    public TeacherRecord teacher(String teacherId) {
        return teachers.find(teacherId).orElseThrow(() -> new NotFoundException("no teacher '" + teacherId
                + "' is known to eval-service (a teacher becomes known with its first verified checkpoint)"));
    }

    public TeacherBaselines baselines(String teacherId) {
        TeacherRecord teacher = teacher(teacherId);
        String teacherSha = teacher.teacher().weights().sha256();
        String classifierSha = classifier.sha256();
        return new TeacherBaselines(teacherId, teacherSha, classifierSha, teacher.recordedAt(),
                baselines.of(teacherSha, classifierSha).stream().map(b -> {
                    ModelScore s = b.score();
                    Pass pass = s.samples() == properties.samples() ? Pass.FULL
                            : s.samples() == properties.quickSamples() && properties.quickPass() ? Pass.QUICK : null;
                    return new Baseline(s.sampler(), s.steps(), s.cfgScale(), s.fid(), s.precision(), s.recall(),
                            s.adherence(), s.msPerImageBatch1(), s.msPerImageBatch64(), s.imagesPerSecond(), s.samples(),
                            pass, b.source());
                }).toList());
    }
}
