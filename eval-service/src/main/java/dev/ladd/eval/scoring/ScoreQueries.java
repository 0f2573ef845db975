package dev.ladd.eval.scoring;

import dev.ladd.eval.checkpoint.CheckpointRecord;
import dev.ladd.eval.checkpoint.CheckpointRepository;
import dev.ladd.eval.teacher.TeacherRecord;
import dev.ladd.eval.teacher.TeacherRepository;
import dev.ladd.platform.web.NotFoundException;
import org.springframework.stereotype.Service;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What the API shows of checkpoints, their scores and the teachers' baselines. */
@Service
public class ScoreQueries {

    /** A checkpoint with its scores (empty unless scored). */
    public record CheckpointScores(String checkpointId, String runId, int step, String teacherId, String weightsSha256,
                                   String state, String refusalReason, Instant receivedAt, Instant scoredAt,
                                   List<ModelScore> scores) {
        static CheckpointScores of(CheckpointRecord c, List<ModelScore> scores) {
            return new CheckpointScores(c.checkpointId(), c.runId(), c.step(), c.teacherId(), c.weightsSha256(), c.state(),
                    c.refusalReason(), c.receivedAt(), c.scoredAt(), scores);
        }
    }

    /** Every checkpoint of a run with its scores, by step. */
    public record RunScores(String runId, List<CheckpointScores> checkpoints) {
    }

    /**
     * A teacher's baselines on the evaluation set.
     *
     * @param weightsSha256 the teacher checkpoint the baselines were measured on
     * @param baselines     most steps first; empty until its first checkpoint is scored
     */
    public record TeacherBaselines(String teacherId, String weightsSha256, Instant recordedAt, List<ModelScore> baselines) {
    }

    private final CheckpointRepository checkpoints;
    private final ScoreRepository scores;
    private final TeacherRepository teachers;

    public ScoreQueries(CheckpointRepository checkpoints, ScoreRepository scores, TeacherRepository teachers) {
        this.checkpoints = checkpoints;
        this.scores = scores;
        this.teachers = teachers;
    }

    public CheckpointRecord checkpoint(String checkpointId) {
        return checkpoints.find(checkpointId)
                .orElseThrow(() -> new NotFoundException("no checkpoint with id '" + checkpointId + "'"));
    }

    public List<CheckpointRecord> checkpointsOfRun(String runId) {
        return checkpoints.byRun(runId);
    }

    public CheckpointScores checkpointScores(String checkpointId) {
        return CheckpointScores.of(checkpoint(checkpointId), scores.of(checkpointId));
    }

    public RunScores runScores(String runId) {
        List<CheckpointRecord> ofRun = checkpoints.byRun(runId);
        if (ofRun.isEmpty()) {
            throw new NotFoundException("no checkpoint of run '" + runId + "' has reached eval-service");
        }
        Map<String, List<ModelScore>> byCheckpoint = scores.ofRun(runId);
        return new RunScores(runId, ofRun.stream()
                .map(c -> CheckpointScores.of(c, byCheckpoint.getOrDefault(c.checkpointId(), List.of()))).toList());
    }

    public TeacherRecord teacher(String teacherId) {
        return teachers.find(teacherId).orElseThrow(() -> new NotFoundException("no teacher '" + teacherId
                + "' is known to eval-service (a teacher becomes known with its first verified checkpoint)"));
    }

    public TeacherBaselines baselines(String teacherId) {
        TeacherRecord teacher = teacher(teacherId);
        return new TeacherBaselines(teacherId, teacher.teacher().weights().sha256(), teacher.recordedAt(),
                teachers.baselines(teacherId));
    }
}
