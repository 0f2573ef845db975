package dev.ladd.eval.web;

import dev.ladd.eval.scoring.SampleGrids;
import dev.ladd.eval.scoring.UnusableModelException;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.http.MediaType;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Sample grids (10 classes × 8 seeds, PNG) of any checkpoint or known teacher at any step count, the same
 * prompts and seeds for every model. Steps or guidance out of range are a 400 problem, an unknown id a 404.
 */
@RestController
@Validated
@RequestMapping("/api/v1")
class GridController {

    static final int MAX_STUDENT_STEPS = 16;
    static final int MAX_TEACHER_STEPS = 200;

    private final SampleGrids grids;

    GridController(SampleGrids grids) {
        this.grids = grids;
    }

    @GetMapping(value = "/checkpoints/{checkpointId}/grid.png", produces = MediaType.IMAGE_PNG_VALUE)
    byte[] checkpoint(@PathVariable String checkpointId,
                      @RequestParam(defaultValue = "4") @Min(1) @Max(MAX_STUDENT_STEPS) int steps)
            throws UnusableModelException {
        return grids.checkpoint(checkpointId, steps);
    }

    @GetMapping(value = "/teachers/{teacherId}/grid.png", produces = MediaType.IMAGE_PNG_VALUE)
    byte[] teacher(@PathVariable String teacherId,
                   @RequestParam(defaultValue = "50") @Min(1) @Max(MAX_TEACHER_STEPS) int steps,
                   @RequestParam(defaultValue = "1.5") @DecimalMin("0") @DecimalMax("20") double cfg)
            throws UnusableModelException {
        return grids.teacher(teacherId, steps, cfg);
    }
}
