package dev.ladd.gateway.web;

import dev.ladd.gateway.checkpoint.CheckpointCatalog;
import dev.ladd.gateway.checkpoint.CheckpointRecord;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/** The checkpoints the gateway knows (the candidates for promotion) with their scores. */
@RestController
@RequestMapping("/api/v1/checkpoints")
class CheckpointApiController {

    private final CheckpointCatalog catalog;

    CheckpointApiController(CheckpointCatalog catalog) {
        this.catalog = catalog;
    }

    @GetMapping
    List<CheckpointRecord> list(@RequestParam(required = false) String runId,
                                @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit) {
        return catalog.list(runId, limit);
    }

    /** The id ({@code run-…-step-600}) is one path segment as it is. */
    @GetMapping("/{checkpointId}")
    CheckpointRecord get(@PathVariable String checkpointId) {
        return catalog.get(checkpointId);
    }
}
