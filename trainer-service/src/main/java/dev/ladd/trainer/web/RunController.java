package dev.ladd.trainer.web;

import dev.ladd.platform.security.ServiceToken;
import dev.ladd.ml.ladd.LaddStepMetrics;
import dev.ladd.trainer.run.CheckpointRepository;
import dev.ladd.trainer.run.Run;
import dev.ladd.trainer.run.RunDefaults;
import dev.ladd.trainer.run.RunMetricsRepository;
import dev.ladd.trainer.run.RunService;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Runs: start (publishes RunRequested, as gateway-service does), cancel, list, detail with checkpoints and
 * per-iteration metrics.
 */
@RestController
@RequestMapping("/api/v1/runs")
@Validated
class RunController {

    private final RunService runs;
    private final RunMetricsRepository metrics;
    private final CheckpointRepository checkpoints;

    RunController(RunService runs, RunMetricsRepository metrics, CheckpointRepository checkpoints) {
        this.runs = runs;
        this.metrics = metrics;
        this.checkpoints = checkpoints;
    }

    /**
     * Starts a run: validates the request (a 400 naming each invalid field, which the gateway relays unchanged), fills
     * in {@link RunDefaults#STANDARD} and publishes RunRequested. The requester is the gateway's caller when it comes
     * through the gateway.
     */
    @PostMapping
    ResponseEntity<Map<String, String>> start(@Valid @RequestBody StartRunRequest body, HttpServletRequest request) {
        String caller = request.getHeader(ServiceToken.CALLER_HEADER);
        String runId = runs.start(body.teacherId(), body.toConfig(RunDefaults.STANDARD),
                caller == null || caller.isBlank() ? "trainer-api" : caller);
        return ResponseEntity.accepted().location(URI.create("/api/v1/runs/" + runId))
                .body(Map.of("runId", runId, "teacherId", body.teacherId()));
    }

    /** What a run gets for each field its request leaves out. */
    @GetMapping("/defaults")
    RunDefaults defaults() {
        return RunDefaults.STANDARD;
    }

    @PostMapping("/{runId}/cancel")
    Run cancel(@PathVariable String runId) {
        return runs.cancel(runId);
    }

    @GetMapping
    List<Run> list(@RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit) {
        return runs.list(limit);
    }

    /** A run with its published checkpoints. */
    record RunDetail(Run run, List<CheckpointRepository.Checkpoint> checkpoints) {
    }

    @GetMapping("/{runId}")
    RunDetail get(@PathVariable String runId) {
        return new RunDetail(runs.get(runId), checkpoints.list(runId));
    }

    /** Per-iteration metrics after {@code after}, oldest first (a client polls with the last iteration it has). */
    @GetMapping("/{runId}/metrics")
    List<LaddStepMetrics> metrics(@PathVariable String runId, @RequestParam(defaultValue = "0") @Min(0) int after,
                                  @RequestParam(defaultValue = "1000") @Min(1) @Max(10_000) int limit) {
        runs.get(runId);
        return metrics.list(runId, after, limit);
    }
}
