package dev.ladd.teacher.training;

import ai.djl.ndarray.NDManager;
import dev.ladd.ml.blob.BlobId;
import dev.ladd.ml.blob.BlobStore;
import dev.ladd.ml.checkpoint.CheckpointManifests;
import dev.ladd.ml.checkpoint.Safetensors;
import dev.ladd.ml.data.FashionMnist;
import dev.ladd.ml.data.LabeledImages;
import dev.ladd.ml.data.Prompts;
import dev.ladd.ml.data.TinyDataset;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.nn.FlowTransformer;
import dev.ladd.ml.text.WordTokenizer;
import dev.ladd.ml.train.AutoencoderTraining;
import dev.ladd.ml.train.LatentDataset;
import dev.ladd.ml.train.ProgressReporter;
import dev.ladd.ml.train.TeacherTraining;
import dev.ladd.ml.train.TrainingMonitor;
import dev.ladd.ml.train.TrainingState;
import dev.ladd.platform.web.NotFoundException;
import dev.ladd.teacher.registry.AutoencoderRegistry;
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
 * Training jobs started through the API, of two kinds: {@value #TEACHER} (a teacher in an existing latent
 * space, {@link TrainingJobRequest}) and {@value #AUTOENCODER} ({@link AutoencoderJobRequest}). Both share
 * one table and one worker: one job trains at a time (the machine's cores are the limit). Progress (step,
 * loss, ETA) goes to the job's row every second and to the log every two; a stop request ends the loop
 * after the current step and stores the run's state in the blob store, from which a resume continues
 * bit-identically (every step's randomness derives from seed and step). A completed job registers its model.
 */
@Service
public class TrainingJobService implements AutoCloseable {

    public static final String TEACHER = "teacher";
    public static final String AUTOENCODER = "autoencoder";
    /** Held-out images the PSNR of an autoencoder trained on the tiny dataset is measured on. */
    static final int TINY_HELD_OUT = 64;

    private static final Logger log = LoggerFactory.getLogger(TrainingJobService.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final TrainingJobRepository jobs;
    private final TeacherRegistry registry;
    private final AutoencoderRegistry autoencoders;
    private final BlobStore blobs;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "teacher-training");
        t.setDaemon(true);
        return t;
    });
    private final Set<String> stopRequested = ConcurrentHashMap.newKeySet();

    /** A run that stopped before its last step: where, and its state to resume from. */
    private record Stopped(long step, byte[] state) {
    }

    public TrainingJobService(TrainingJobRepository jobs, TeacherRegistry registry, AutoencoderRegistry autoencoders,
                              BlobStore blobs) {
        this.jobs = jobs;
        this.registry = registry;
        this.autoencoders = autoencoders;
        this.blobs = blobs;
    }

    public TrainingJob start(TrainingJobRequest request) {
        if (registry.isRegistered(request.teacherId())) {
            throw new IllegalArgumentException("a teacher with id '" + request.teacherId() + "' is already registered");
        }
        if ((request.baseTeacher() == null) == (request.autoencoderId() == null)) {
            throw new IllegalArgumentException("give exactly one of baseTeacher (train in the latent space of that teacher's "
                    + "autoencoder) and autoencoderId (train in that registered autoencoder's), not "
                    + (request.baseTeacher() == null ? "neither" : "both"));
        }
        latentSpace(request);   // 404 if the base teacher, its autoencoder or the autoencoder is missing
        return submit(TEACHER, request.teacherId(), request.baseTeacher(), request.autoencoderId(), request.steps(), request);
    }

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
        worker.execute(() -> run(jobId, request));
        return get(kind, jobId);
    }

    public TrainingJob stop(String kind, String jobId) {
        TrainingJob job = get(kind, jobId);
        if (!job.state().equals("running") && !job.state().equals("queued")) {
            throw new IllegalArgumentException("job " + jobId + " is " + job.state() + "; only a queued or running job can be stopped");
        }
        stopRequested.add(jobId);
        jobs.state(jobId, "stopping", null);
        return get(kind, jobId);
    }

    public TrainingJob resume(String kind, String jobId) {
        TrainingJob job = get(kind, jobId);
        if (!job.state().equals("stopped")) {
            throw new IllegalArgumentException("job " + jobId + " is " + job.state() + "; only a stopped job can be resumed");
        }
        Class<?> type = AUTOENCODER.equals(kind) ? AutoencoderJobRequest.class : TrainingJobRequest.class;
        Object request = JSON.readValue(jobs.settings(jobId).orElseThrow(), type);
        jobs.state(jobId, "queued", null);
        worker.execute(() -> run(jobId, request));
        return get(kind, jobId);
    }

    /** The job, if it is of {@code kind}. */
    public TrainingJob get(String kind, String jobId) {
        return jobs.find(jobId).filter(job -> job.kind().equals(kind))
                .orElseThrow(() -> new NotFoundException("no " + kind + " training job with id '" + jobId + "'"));
    }

    public List<TrainingJob> list(String kind) {
        return jobs.list(kind);
    }

    /** Trains (from the saved state of a stopped job, if any) until done or stopped; the part both kinds share. */
    private void run(String jobId, Object request) {
        jobs.state(jobId, "running", null);
        try (NDManager manager = NDManager.newBaseManager()) {
            BlobId saved = jobs.savedState(jobId).orElse(null);
            byte[] state = saved == null ? null : blobs.get(saved);
            TrainingMonitor monitor = monitor(jobId);
            Stopped stopped = request instanceof AutoencoderJobRequest autoencoder
                    ? trainAutoencoder(jobId, autoencoder, manager, state, monitor)
                    : trainTeacher(jobId, (TrainingJobRequest) request, manager, state, monitor);
            if (stopped != null) {
                BlobId stateBlob = blobs.put(stopped.state());
                jobs.stopped(jobId, stopped.step(), stateBlob);
                log.info("job {} stopped at step {}; state {}", jobId, stopped.step(), stateBlob.sha256());
                return;
            }
            jobs.state(jobId, "completed", null);
        } catch (IOException | RuntimeException e) {
            log.error("job {} failed", jobId, e);
            jobs.state(jobId, "failed", e.getMessage());
        } finally {
            stopRequested.remove(jobId);
        }
    }

    /** Progress to the log and the job's row; asks the loop to stop once a stop was requested. */
    private TrainingMonitor monitor(String jobId) {
        ProgressReporter progress = new ProgressReporter(jobId, new PrintStream(OutputStream.nullOutputStream()) {
            @Override
            public void println(String line) {
                log.info(line);
            }
        });
        long[] lastUpdate = {0};
        return (step, total, metrics) -> {
            progress.onStep(step, total, metrics);
            if (System.nanoTime() - lastUpdate[0] > 1_000_000_000L || step == total) {
                lastUpdate[0] = System.nanoTime();
                jobs.progress(jobId, step, metrics.get("loss"), progress.etaSeconds(step, total));
            }
            return !stopRequested.contains(jobId);
        };
    }

    /** @return how it stopped, or null once the teacher is trained and registered */
    private Stopped trainTeacher(String jobId, TrainingJobRequest request, NDManager manager, byte[] savedState,
                                 TrainingMonitor monitor) throws IOException {
        BlobId[] latentSpace = latentSpace(request);
        Autoencoder autoencoder = AutoencoderTraining.load(CheckpointManifests.read(blobs.get(latentSpace[1])),
                blobs.get(latentSpace[0]), manager);
        boolean tiny = request.dataset().equals("tiny");
        Prompts prompts = tiny ? TinyDataset.prompts(10) : Prompts.fashionMnist();
        LatentDataset latents = LatentDataset.encode(autoencoder,
                trainingImages(request.dataset(), request.images(), request.seed()), manager);
        WordTokenizer tokenizer = DefaultTeacherRecipe.tokenizer(prompts);
        FlowTransformer model = DefaultTeacherRecipe.newTeacher(manager, tokenizer, request.seed());
        TeacherTraining training = new TeacherTraining(model, tokenizer, prompts, DefaultTeacherRecipe.config(
                request.steps(), request.batchSize(), request.learningRate(), request.seed()));
        if (savedState != null) {
            training.resume(Safetensors.read(savedState));
            log.info("job {} resumes at step {}", jobId, training.step());
        }
        double[] lastLoss = {Double.NaN};
        long reached = training.train(manager, latents, (step, total, metrics) -> {
            lastLoss[0] = metrics.get("loss");
            return monitor.onStep(step, total, metrics);
        });
        if (reached < request.steps()) {
            return new Stopped(reached, Safetensors.toBytes(TrainingState.capture(model, training.optimizer(), reached,
                    Map.of("job", jobId))));
        }
        String parent = request.baseTeacher() != null ? request.baseTeacher() : request.autoencoderId();
        registry.registerTrained(request.teacherId(), "trained by " + jobId, DefaultTeacherRecipe.checkpoint(
                model, tokenizer, autoencoder, parent, reached, Map.of("final_loss", lastLoss[0])), latentSpace);
        return null;
    }

    /** @return how it stopped, or null once the autoencoder is trained and registered */
    private Stopped trainAutoencoder(String jobId, AutoencoderJobRequest request, NDManager manager, byte[] savedState,
                                     TrainingMonitor monitor) throws IOException {
        LabeledImages train = trainingImages(request.dataset(), request.images(), request.seed());
        Autoencoder model = DefaultAutoencoderRecipe.newAutoencoder(manager, request.baseChannels(), request.seed());
        AutoencoderTraining.State state;
        if (savedState == null) {
            state = AutoencoderTraining.State.start(model, DefaultAutoencoderRecipe.config(request.steps(),
                    request.batchSize(), request.learningRate(), request.seed()));
        } else {
            state = AutoencoderTraining.State.load(savedState, model);
            log.info("job {} resumes at step {}", jobId, state.step());
        }
        AutoencoderTraining.Result result = AutoencoderTraining.train(state, train, monitor);
        if (result.stoppedEarly()) {
            return new Stopped(result.step(), state.toSafetensors());
        }
        LabeledImages heldOut = request.dataset().equals("tiny")
                ? TinyDataset.generate(TINY_HELD_OUT, ~request.seed()).paddedTo32()
                : FashionMnist.fromDefaultLocation().test().paddedTo32();
        Map<String, Double> last = result.lastMetrics();
        autoencoders.register(request.autoencoderId(), DefaultAutoencoderRecipe.finish(model, train, heldOut, result.step(),
                Map.of("final_loss", last.get("loss"), "final_mse", last.get("mse"), "final_kl", last.get("kl"))), "trained");
        return null;
    }

    /** The autoencoder {weights, manifest} a teacher job trains in: its base teacher's or the registered one. */
    private BlobId[] latentSpace(TrainingJobRequest request) {
        return request.baseTeacher() != null ? registry.autoencoderBlobs(request.baseTeacher())
                : autoencoders.blobs(request.autoencoderId());
    }

    /** The first {@code count} training images, padded to 32×32. */
    private static LabeledImages trainingImages(String dataset, int count, long seed) throws IOException {
        return (dataset.equals("tiny") ? TinyDataset.generate(count, seed)
                : FashionMnist.fromDefaultLocation().train().subset(count)).paddedTo32();
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
