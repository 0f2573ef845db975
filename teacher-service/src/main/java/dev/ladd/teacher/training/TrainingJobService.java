package dev.ladd.teacher.training;

import ai.djl.ndarray.NDManager;
import dev.ladd.ml.blob.BlobId;
import dev.ladd.ml.blob.BlobStore;
import dev.ladd.ml.checkpoint.Safetensors;
import dev.ladd.ml.data.FashionMnist;
import dev.ladd.ml.data.LabeledImages;
import dev.ladd.ml.data.Prompts;
import dev.ladd.ml.data.TinyDataset;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.nn.FlowTransformer;
import dev.ladd.ml.text.WordTokenizer;
import dev.ladd.ml.train.LatentDataset;
import dev.ladd.ml.train.ProgressReporter;
import dev.ladd.ml.train.TeacherTraining;
import dev.ladd.ml.train.TrainingState;
import dev.ladd.platform.web.NotFoundException;
import dev.ladd.teacher.registry.TeacherRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Teacher training jobs started through the API. One job trains at a time (the machine's cores are the
 * limit). Progress (step, loss, ETA) goes to the job's row every second and to the log every two; a
 * stop request ends the loop after the current step and stores its {@link TrainingState} in the blob
 * store, from which a resume continues bit-identically (every step's randomness derives from seed and step).
 */
@Service
public class TrainingJobService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TrainingJobService.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final TrainingJobRepository jobs;
    private final TeacherRegistry registry;
    private final BlobStore blobs;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "teacher-training");
        t.setDaemon(true);
        return t;
    });
    private final Set<String> stopRequested = ConcurrentHashMap.newKeySet();

    public TrainingJobService(TrainingJobRepository jobs, TeacherRegistry registry, BlobStore blobs) {
        this.jobs = jobs;
        this.registry = registry;
        this.blobs = blobs;
    }

    public TrainingJob start(TrainingJobRequest request) {
        if (registry.isRegistered(request.teacherId())) {
            throw new IllegalArgumentException("a teacher with id '" + request.teacherId() + "' is already registered");
        }
        registry.autoencoder(request.baseTeacher());   // 404 if the base teacher or its autoencoder is missing
        String jobId = "job-" + UUID.randomUUID();
        jobs.insert(jobId, request, JSON.writeValueAsString(request));
        worker.execute(() -> run(jobId, request));
        return get(jobId);
    }

    public TrainingJob stop(String jobId) {
        TrainingJob job = get(jobId);
        if (!job.state().equals("running") && !job.state().equals("queued")) {
            throw new IllegalArgumentException("job " + jobId + " is " + job.state() + "; only a queued or running job can be stopped");
        }
        stopRequested.add(jobId);
        jobs.state(jobId, "stopping", null);
        return get(jobId);
    }

    public TrainingJob resume(String jobId) {
        TrainingJob job = get(jobId);
        if (!job.state().equals("stopped")) {
            throw new IllegalArgumentException("job " + jobId + " is " + job.state() + "; only a stopped job can be resumed");
        }
        TrainingJobRequest request = JSON.readValue(jobs.settings(jobId).orElseThrow(), TrainingJobRequest.class);
        jobs.state(jobId, "queued", null);
        worker.execute(() -> run(jobId, request));
        return get(jobId);
    }

    public TrainingJob get(String jobId) {
        return jobs.find(jobId).orElseThrow(() -> new NotFoundException("no training job with id '" + jobId + "'"));
    }

    public List<TrainingJob> list() {
        return jobs.list();
    }

    private void run(String jobId, TrainingJobRequest request) {
        jobs.state(jobId, "running", null);
        try (NDManager manager = NDManager.newBaseManager()) {
            Autoencoder autoencoder = registry.autoencoder(request.baseTeacher());
            boolean tiny = request.dataset().equals("tiny");
            LabeledImages images = (tiny ? TinyDataset.generate(request.images(), request.seed())
                    : FashionMnist.fromDefaultLocation().train().subset(request.images())).paddedTo32();
            Prompts prompts = tiny ? TinyDataset.prompts(10) : Prompts.fashionMnist();
            LatentDataset latents = LatentDataset.encode(autoencoder, images, manager);
            WordTokenizer tokenizer = DefaultTeacherRecipe.tokenizer(prompts);
            FlowTransformer model = DefaultTeacherRecipe.newTeacher(manager, tokenizer, request.seed());
            TeacherTraining training = new TeacherTraining(model, tokenizer, prompts, DefaultTeacherRecipe.config(
                    request.steps(), request.batchSize(), request.learningRate(), request.seed()));
            BlobId saved = jobs.savedState(jobId).orElse(null);
            if (saved != null) {
                training.resume(Safetensors.read(blobs.get(saved)));
                log.info("job {} resumes at step {}", jobId, training.step());
            }
            ProgressReporter progress = new ProgressReporter(jobId, new PrintStream(OutputStream.nullOutputStream()) {
                @Override
                public void println(String line) {
                    log.info(line);
                }
            });
            long[] lastUpdate = {0};
            long reached = training.train(manager, latents, (step, total, metrics) -> {
                progress.onStep(step, total, metrics);
                if (System.nanoTime() - lastUpdate[0] > 1_000_000_000L || step == total) {
                    lastUpdate[0] = System.nanoTime();
                    jobs.progress(jobId, step, metrics.get("loss"), progress.etaSeconds(step, total));
                }
                return !stopRequested.contains(jobId);
            });
            if (reached < request.steps()) {
                BlobId state = blobs.put(Safetensors.toBytes(TrainingState.capture(model, training.optimizer(), reached,
                        Map.of("job", jobId))));
                jobs.stopped(jobId, reached, state);
                log.info("job {} stopped at step {}; state {}", jobId, reached, state.sha256());
                return;
            }
            registry.registerTrained(request.teacherId(), "trained by " + jobId, DefaultTeacherRecipe.checkpoint(
                    model, tokenizer, autoencoder, request.baseTeacher(), reached, Map.of()), request.baseTeacher());
            jobs.state(jobId, "completed", null);
        } catch (IOException | RuntimeException e) {
            log.error("job {} failed", jobId, e);
            jobs.state(jobId, "failed", e.getMessage());
        } finally {
            stopRequested.remove(jobId);
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
