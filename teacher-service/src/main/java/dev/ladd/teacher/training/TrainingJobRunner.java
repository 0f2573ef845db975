package dev.ladd.teacher.training;

import ai.djl.ndarray.NDManager;
import dev.ladd.ml.blob.BlobId;
import dev.ladd.ml.blob.ModelRef;
import dev.ladd.ml.blob.BlobStore;
import dev.ladd.ml.checkpoint.AutoencoderCheckpoint;
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
import dev.ladd.ml.train.AutoencoderTrainingState;
import dev.ladd.ml.train.DefaultAutoencoderRecipe;
import dev.ladd.ml.train.DefaultTeacherRecipe;
import dev.ladd.ml.train.LatentDataset;
import dev.ladd.ml.train.ProgressReporter;
import dev.ladd.ml.train.TeacherTraining;
import dev.ladd.ml.train.TrainingMonitor;
import dev.ladd.ml.train.TrainingState;
import dev.ladd.teacher.registry.AutoencoderRegistry;
import dev.ladd.teacher.registry.TeacherRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Runs one training job to its end, on {@link TrainingJobWorker}'s thread: trains (from the job's saved state, if it
 * has one) until done, stopped or the service stops. Progress (step, loss, ETA) goes to the job's row every second
 * and to the log every two. A stop request (state "stopping", set through any replica's API) ends the loop after
 * the current step and stores the run's state in the blob store, from which a resume continues bit-identically
 * (every step's randomness derives from seed and step); so does a service stop, which queues the job again to go
 * on after the restart. A completed job registers its model.
 */
@Component
class TrainingJobRunner {

    /** Held-out images the PSNR of an autoencoder trained on the tiny dataset is measured on. */
    static final int TINY_HELD_OUT = 64;

    private static final Logger log = LoggerFactory.getLogger(TrainingJobRunner.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final TrainingJobRepository jobs;
    private final TeacherRegistry registry;
    private final AutoencoderRegistry autoencoders;
    private final BlobStore blobs;

    /** A run that stopped before its last step: where, and its state to resume from. */
    private record Stopped(long step, byte[] state) {
    }

    TrainingJobRunner(TrainingJobRepository jobs, TeacherRegistry registry, AutoencoderRegistry autoencoders,
                      BlobStore blobs) {
        this.jobs = jobs;
        this.registry = registry;
        this.autoencoders = autoencoders;
        this.blobs = blobs;
    }

    /**
     * Runs a queued, running (its worker died) or stopping job; the caller holds the job's lock.
     *
     * @param keepGoing false once the service is stopping: the job saves its state and is queued again
     */
    void run(String jobId, BooleanSupplier keepGoing) {
        TrainingJob job = jobs.find(jobId).orElseThrow();
        Class<?> type = TrainingJobService.AUTOENCODER.equals(job.kind()) ? AutoencoderJobRequest.class
                : TrainingJobRequest.class;
        Object request = JSON.readValue(jobs.settings(jobId).orElseThrow(), type);
        jobs.markRunning(jobId);   // a stopping job stays stopping: it saves its state after one step
        boolean[] stopRequested = {false};
        try (NDManager manager = NDManager.newBaseManager()) {
            BlobId saved = jobs.savedState(jobId).orElse(null);
            byte[] state = saved == null ? null : blobs.get(saved);
            if (saved != null) {
                log.info("job {} goes on from its saved state", jobId);
            }
            TrainingMonitor monitor = monitor(jobId, keepGoing, stopRequested);
            Stopped stopped = request instanceof AutoencoderJobRequest autoencoder
                    ? trainAutoencoder(jobId, autoencoder, manager, state, monitor)
                    : trainTeacher(jobId, (TrainingJobRequest) request, manager, state, monitor);
            if (stopped != null) {
                BlobId stateBlob = blobs.put(stopped.state());
                if (stopRequested[0]) {
                    jobs.stopped(jobId, stopped.step(), stateBlob);
                    log.info("job {} stopped at step {}; state {}", jobId, stopped.step(), stateBlob.sha256());
                } else {
                    jobs.requeued(jobId, stopped.step(), stateBlob);
                    log.info("job {} paused at step {} as the service stops; queued again with state {}", jobId,
                            stopped.step(), stateBlob.sha256());
                }
                return;
            }
            jobs.state(jobId, JobState.COMPLETED, null);
        } catch (IOException | RuntimeException e) {
            log.error("job {} failed", jobId, e);
            jobs.state(jobId, JobState.FAILED, e.getMessage());
        }
    }

    /**
     * Progress to the log and the job's row; asks the loop to end once a stop was requested (noted in
     * {@code stopRequested}) or the service stops.
     */
    private TrainingMonitor monitor(String jobId, BooleanSupplier keepGoing, boolean[] stopRequested) {
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
            stopRequested[0] = jobs.stopRequested(jobId);
            return !stopRequested[0] && keepGoing.getAsBoolean();
        };
    }

    /** @return how it stopped, or null once the teacher is trained and registered */
    private Stopped trainTeacher(String jobId, TrainingJobRequest request, NDManager manager, byte[] savedState,
                                 TrainingMonitor monitor) throws IOException {
        ModelRef latentSpace = latentSpace(request);
        Autoencoder autoencoder = AutoencoderCheckpoint.load(CheckpointManifests.read(blobs.get(latentSpace.manifest())),
                blobs.get(latentSpace.weights()), manager);
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
        AutoencoderTrainingState state;
        if (savedState == null) {
            state = AutoencoderTrainingState.start(model, DefaultAutoencoderRecipe.config(request.steps(),
                    request.batchSize(), request.learningRate(), request.seed()));
        } else {
            state = AutoencoderTrainingState.load(savedState, model);
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
    ModelRef latentSpace(TrainingJobRequest request) {
        return request.baseTeacher() != null ? registry.autoencoderBlobs(request.baseTeacher())
                : autoencoders.blobs(request.autoencoderId());
    }

    /** The first {@code count} training images, padded to 32×32. */
    private static LabeledImages trainingImages(String dataset, int count, long seed) throws IOException {
        return (dataset.equals("tiny") ? TinyDataset.generate(count, seed)
                : FashionMnist.fromDefaultLocation().train().subset(count)).paddedTo32();
    }

}
