package dev.ladd.eval.web;

import dev.ladd.eval.checkpoint.CheckpointRecord;
import dev.ladd.eval.scoring.ScoreQueries;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/**
 * Checkpoints and their scores. A checkpoint id ({@code RUN-step-N}, {@code dev.ladd.events.CheckpointIds}) is one
 * path segment as it is.
 */
@RestController
@RequestMapping("/api/v1")
class CheckpointController {

    private final ScoreQueries queries;

    CheckpointController(ScoreQueries queries) {
        this.queries = queries;
    }

    @GetMapping("/checkpoints")
    List<CheckpointRecord> byRun(@RequestParam String runId) {
        return queries.checkpointsOfRun(runId);
    }

    /** The checkpoint with its scores (of its most thorough pass, and its quick ones) and the progress of its next pass. */
    @GetMapping("/checkpoints/{checkpointId}")
    ScoreQueries.CheckpointScores get(@PathVariable String checkpointId) {
        return queries.checkpointScores(checkpointId);
    }

    /** Every checkpoint of a run with its scores, by step. */
    @GetMapping("/runs/{runId}/scores")
    ScoreQueries.RunScores runScores(@PathVariable String runId) {
        return queries.runScores(runId);
    }

    /**
     * The teacher's scores at its full step count with CFG and at a few steps, on the same evaluation set, at the
     * full and the quick pass's sample counts.
     */
    @GetMapping("/teachers/{teacherId}/baselines")
    ScoreQueries.TeacherBaselines baselines(@PathVariable String teacherId) {
        return queries.baselines(teacherId);
    }

    /** What the scoring worker measures now (with progress and ETA) and every pass still to do, in order. */
    @GetMapping("/scoring")
    ScoreQueries.ScoringOverview scoring() {
        return queries.scoring();
    }
}
