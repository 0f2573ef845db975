package dev.ladd.eval.web;

import dev.ladd.eval.checkpoint.CheckpointIntakeService;
import dev.ladd.eval.checkpoint.CheckpointRecord;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

@RestController
@RequestMapping("/api/v1/checkpoints")
class CheckpointController {

    private final CheckpointIntakeService checkpoints;

    CheckpointController(CheckpointIntakeService checkpoints) {
        this.checkpoints = checkpoints;
    }

    @GetMapping
    List<CheckpointRecord> byRun(@RequestParam String runId) {
        return checkpoints.byRun(runId);
    }

    @GetMapping("/{checkpointId}")
    CheckpointRecord get(@PathVariable String checkpointId) {
        return checkpoints.get(checkpointId);
    }
}
