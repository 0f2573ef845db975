package dev.ladd.trainer.web;

import dev.ladd.trainer.run.Run;
import dev.ladd.trainer.run.RunService;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/** Read access to runs; runs are started through gateway-service, which publishes RunRequested. */
@RestController
@RequestMapping("/api/v1/runs")
class RunController {

    private final RunService runs;

    RunController(RunService runs) {
        this.runs = runs;
    }

    @GetMapping
    List<Run> list(@RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit) {
        return runs.list(limit);
    }

    @GetMapping("/{runId}")
    Run get(@PathVariable String runId) {
        return runs.get(runId);
    }
}
