package dev.ladd.gateway.web;

import dev.ladd.gateway.run.RunGatewayService;
import dev.ladd.gateway.run.RunView;
import dev.ladd.gateway.routes.ServiceCalls;
import dev.ladd.gateway.keys.Callers;
import jakarta.servlet.http.HttpServletRequest;
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

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.util.List;

/** Distillation runs: start one, list them, look at one. */
@RestController
@RequestMapping("/api/v1/runs")
class RunApiController {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final RunGatewayService runs;
    private final ServiceCalls services;

    RunApiController(RunGatewayService runs, ServiceCalls services) {
        this.runs = runs;
        this.services = services;
    }

    /**
     * Accepted, not done: the trainer picks the run up asynchronously; poll the Location. The body goes to the
     * trainer's {@code POST /api/v1/runs} as it came: the trainer alone validates it and fills in the defaults
     * ({@code GET /api/v1/trainer/runs/defaults}); its 4xx problem (each invalid field) comes back unchanged.
     */
    @PostMapping
    ResponseEntity<?> start(@RequestBody byte[] body, HttpServletRequest http) {
        ResponseEntity<byte[]> answer = services.send("trainer", services.uri("trainer", "/api/v1/runs"), http, body);
        if (!answer.getStatusCode().is2xxSuccessful()) {
            return answer;
        }
        JsonNode accepted = JSON.readTree(answer.getBody());
        RunView run = runs.recordStarted(accepted.path("runId").asString(), accepted.path("teacherId").asString(),
                Callers.name(http));
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
