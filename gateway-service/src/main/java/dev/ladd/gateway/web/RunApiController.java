package dev.ladd.gateway.web;

import dev.ladd.gateway.run.RunGatewayService;
import dev.ladd.gateway.run.RunView;
import dev.ladd.gateway.run.StartRunRequest;
import dev.ladd.gateway.keys.Callers;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.util.List;

/** Distillation runs: start one, list them, look at one. */
@RestController
@RequestMapping("/api/v1/runs")
class RunApiController {

    private final RunGatewayService runs;

    RunApiController(RunGatewayService runs) {
        this.runs = runs;
    }

    /** Accepted, not done: the trainer picks the run up asynchronously; poll the Location. */
    @PostMapping
    ResponseEntity<RunView> start(@Valid @RequestBody StartRunRequest request, HttpServletRequest http) {
        RunView run = runs.start(request, Callers.name(http));
        return ResponseEntity.accepted().location(URI.create("/api/v1/runs/" + run.runId())).body(run);
    }

    @GetMapping
    List<RunView> list(@RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit) {
        return runs.list(limit);
    }

    @GetMapping("/{runId}")
    RunView get(@PathVariable String runId) {
        return runs.get(runId);
    }
}
