package dev.ladd.teacher.web;

import dev.ladd.teacher.training.AutoencoderJobRequest;
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

/**
 * Training jobs: start, watch (step, loss, ETA), stop, resume. Teacher jobs live under
 * {@code /training-jobs}, autoencoder jobs under {@code /autoencoder-jobs}; both kinds run on one worker.
 */
@RestController
@RequestMapping("/api/v1")
class TrainingJobController {

    /** Either collection; everything but starting a job is the same for both. */
    private static final String JOBS = "/{collection:training-jobs|autoencoder-jobs}";

    private final TrainingJobService jobs;

    TrainingJobController(TrainingJobService jobs) {
        this.jobs = jobs;
    }

    @PostMapping("/training-jobs")
    ResponseEntity<TrainingJob> start(@Valid @RequestBody TrainingJobRequest request) {
        return accepted("training-jobs", jobs.start(request));
    }

    @PostMapping("/autoencoder-jobs")
    ResponseEntity<TrainingJob> start(@Valid @RequestBody AutoencoderJobRequest request) {
        return accepted("autoencoder-jobs", jobs.start(request));
    }

    private static ResponseEntity<TrainingJob> accepted(String collection, TrainingJob job) {
        return ResponseEntity.accepted().location(URI.create("/api/v1/" + collection + "/" + job.jobId())).body(job);
    }

    @GetMapping(JOBS)
    List<TrainingJob> list(@PathVariable String collection) {
        return jobs.list(kind(collection));
    }

    @GetMapping(JOBS + "/{jobId}")
    TrainingJob get(@PathVariable String collection, @PathVariable String jobId) {
        return jobs.get(kind(collection), jobId);
    }

    @PostMapping(JOBS + "/{jobId}/stop")
    TrainingJob stop(@PathVariable String collection, @PathVariable String jobId) {
        return jobs.stop(kind(collection), jobId);
    }

    @PostMapping(JOBS + "/{jobId}/resume")
    TrainingJob resume(@PathVariable String collection, @PathVariable String jobId) {
        return jobs.resume(kind(collection), jobId);
    }

    private static String kind(String collection) {
        return collection.equals("autoencoder-jobs") ? TrainingJobService.AUTOENCODER : TrainingJobService.TEACHER;
    }
}
