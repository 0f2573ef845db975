package dev.ladd.teacher.training;

import dev.ladd.platform.web.NotFoundException;
import dev.ladd.teacher.registry.AutoencoderRegistry;
import dev.ladd.teacher.registry.TeacherRegistry;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;
import java.util.UUID;

/**
 * Training jobs started through the API, of two kinds: {@value #TEACHER} (a teacher in an existing latent
 * space, {@link TrainingJobRequest}) and {@value #AUTOENCODER} ({@link AutoencoderJobRequest}). Both share
 * one table and one worker ({@link TrainingJobWorker}): a job is a row, queued until a worker claims it, so jobs
 * survive restarts, and a stop or resume works through any replica. A stop request ends the job after its current
 * step with its state saved; a resume queues it again to go on from there (docs/adr/016).
 */
@Service
public class TrainingJobService {

    public static final String TEACHER = "teacher";
    public static final String AUTOENCODER = "autoencoder";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final TrainingJobRepository jobs;
    private final TeacherRegistry registry;
    private final AutoencoderRegistry autoencoders;
    private final TrainingJobRunner runner;
    private final TrainingJobWorker worker;

    public TrainingJobService(TrainingJobRepository jobs, TeacherRegistry registry, AutoencoderRegistry autoencoders,
                              TrainingJobRunner runner, TrainingJobWorker worker) {
        this.jobs = jobs;
        this.registry = registry;
        this.autoencoders = autoencoders;
        this.runner = runner;
        this.worker = worker;
    }

    @Transactional
    public TrainingJob start(TrainingJobRequest request) {
        if (registry.isRegistered(request.teacherId())) {
            throw new IllegalArgumentException("a teacher with id '" + request.teacherId() + "' is already registered");
        }
        if ((request.baseTeacher() == null) == (request.autoencoderId() == null)) {
            throw new IllegalArgumentException("give exactly one of baseTeacher (train in the latent space of that teacher's "
                    + "autoencoder) and autoencoderId (train in that registered autoencoder's), not "
                    + (request.baseTeacher() == null ? "neither" : "both"));
        }
        runner.latentSpace(request);   // 404 if the base teacher, its autoencoder or the autoencoder is missing
        return submit(TEACHER, request.teacherId(), request.baseTeacher(), request.autoencoderId(), request.steps(), request);
    }

    @Transactional
    public TrainingJob start(AutoencoderJobRequest request) {
        if (autoencoders.isRegistered(request.autoencoderId())) {
            throw new IllegalArgumentException("an autoencoder with id '" + request.autoencoderId() + "' is already registered");
        }
        return submit(AUTOENCODER, null, null, request.autoencoderId(), request.steps(), request);
    }

    private TrainingJob submit(String kind, String teacherId, String baseTeacher, String autoencoderId, long steps,
                               Object request) {
        String jobId = "job-" + UUID.randomUUID();
        jobs.insert(jobId, kind, teacherId, baseTeacher, autoencoderId, JSON.writeValueAsString(request), steps);
        wakeWorkerAfterCommit();
        return get(kind, jobId);
    }

    /** Asks a queued or running job to stop; a running one ends after its current step, with its state saved. */
    @Transactional
    public TrainingJob stop(String kind, String jobId) {
        TrainingJob job = get(kind, jobId);
        if (!jobs.requestStop(jobId)) {
            throw new IllegalArgumentException("job " + jobId + " is " + job.state() + "; only a queued or running job can be stopped");
        }
        wakeWorkerAfterCommit();
        return get(kind, jobId);
    }

    /** Queues a stopped job again: it goes on from the state it saved. */
    @Transactional
    public TrainingJob resume(String kind, String jobId) {
        TrainingJob job = get(kind, jobId);
        if (!jobs.requeue(jobId)) {
            throw new IllegalArgumentException("job " + jobId + " is " + job.state() + "; only a stopped job can be resumed");
        }
        wakeWorkerAfterCommit();
        return get(kind, jobId);
    }

    private void wakeWorkerAfterCommit() {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                worker.wakeUp();
            }
        });
    }

    /** The job, if it is of {@code kind}. */
    public TrainingJob get(String kind, String jobId) {
        return jobs.find(jobId).filter(job -> job.kind().equals(kind))
                .orElseThrow(() -> new NotFoundException("no " + kind + " training job with id '" + jobId + "'"));
    }

    public List<TrainingJob> list(String kind) {
        return jobs.list(kind);
    }
}
