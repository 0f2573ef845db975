package dev.ladd.teacher.web;

import dev.ladd.teacher.training.TrainingJob;
import dev.ladd.teacher.training.TrainingJobRequest;
import dev.ladd.teacher.training.TrainingJobService;
import jakarta.validation.Valid;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.util.List;

/** Teacher training jobs: start, watch (step, loss, ETA), stop, resume. */
@RestController
@RequestMapping("/api/v1/training-jobs")
class TrainingJobController {

    private final TrainingJobService jobs;

    TrainingJobController(TrainingJobService jobs) {
        this.jobs = jobs;
    }

    @PostMapping
    ResponseEntity<TrainingJob> start(@Valid @RequestBody TrainingJobRequest request) {
        TrainingJob job = jobs.start(request);
        return ResponseEntity.accepted().location(URI.create("/api/v1/training-jobs/" + job.jobId())).body(job);
    }

    @GetMapping
    List<TrainingJob> list() {
        return jobs.list();
    }

    @GetMapping("/{jobId}")
    TrainingJob get(@PathVariable String jobId) {
        return jobs.get(jobId);
    }

    @PostMapping("/{jobId}/stop")
    TrainingJob stop(@PathVariable String jobId) {
        return jobs.stop(jobId);
    }

    @PostMapping("/{jobId}/resume")
    TrainingJob resume(@PathVariable String jobId) {
        return jobs.resume(jobId);
    }
}
