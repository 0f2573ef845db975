package dev.ladd.teacher.synthetic;

import dev.ladd.events.Topics;
import dev.ladd.events.v1.BlobRef;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.SyntheticDataRejected;
import dev.ladd.events.v1.SyntheticShardProduced;
import dev.ladd.ml.blob.BlobId;
import dev.ladd.ml.blob.BlobStore;
import dev.ladd.ml.data.LatentShard;
import dev.ladd.ml.data.Prompts;
import dev.ladd.platform.events.Outbox;
import dev.ladd.teacher.registry.TeacherRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Turns accepted synthetic-data requests into latent shards, one shard per transaction:
 * lock the request → sample the next shard with the teacher → store it in the blob store (content
 * addressed, so a retry stores nothing twice) → record the shard and queue {@code SyntheticShardProduced}
 * in the outbox → commit. A crash loses at most the shard in progress; the next pass starts at the first
 * missing index, so every shard is announced exactly once. Sample i of a request always gets the same
 * prompt and seed, so a request's shards are reproducible.
 */
@Component
class SyntheticDataGenerator implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SyntheticDataGenerator.class);

    private final SyntheticRequestRepository requests;
    private final TeacherRegistry teachers;
    private final BlobStore blobs;
    private final Outbox outbox;
    private final TransactionTemplate tx;
    private final Prompts defaultPrompts = Prompts.fashionMnist();
    private ScheduledExecutorService worker;

    SyntheticDataGenerator(SyntheticRequestRepository requests, TeacherRegistry teachers, BlobStore blobs, Outbox outbox,
                           TransactionTemplate tx) {
        this.requests = requests;
        this.teachers = teachers;
        this.blobs = blobs;
        this.outbox = outbox;
        this.tx = tx;
    }

    /** Produces shards until no accepted request is left; returns how many shards it produced. */
    int produceAvailable() {
        int produced = 0;
        while (Boolean.TRUE.equals(tx.execute(status -> produceNextShard()))) {
            produced++;
        }
        return produced;
    }

    /** One shard of the oldest unfinished request, in the caller's transaction; false when there is none. */
    private boolean produceNextShard() {
        GenerationJob job = requests.claimNextAccepted().orElse(null);
        if (job == null) {
            return false;
        }
        if (job.shardsDone() >= job.shardCount()) {
            requests.updateState(job.requestId(), "produced", null);
            return true;
        }
        int index = job.shardsDone();
        int from = index * job.shardSize();
        int to = Math.min(job.numSamples(), from + job.shardSize());
        List<String> prompts = new ArrayList<>(to - from);
        List<Long> seeds = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            prompts.add(promptFor(job, i));
            seeds.add(job.seed() * 1_000_003L + i);
        }
        BlobId blob;
        try {
            LatentShard shard = teachers.load(job.teacherId())
                    .syntheticShard(job.teacherId(), prompts, seeds, job.samplerSteps(), job.cfgScale());
            blob = blobs.put(shard.toSafetensors());
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            fail(job, "generation failed: " + e.getMessage());
            return true;
        }
        BlobId[] teacher = teachers.checkpointBlobs(job.teacherId());
        SyntheticShardProduced.Builder produced = SyntheticShardProduced.newBuilder()
                .setRunId(job.runId()).setRequestId(job.requestId())
                .setShardIndex(index).setShardCount(job.shardCount())
                .setShard(BlobRef.newBuilder().setSha256(blob.sha256()).setSizeBytes(blob.sizeBytes())
                        .setMediaType("application/vnd.ladd.latent-shard+safetensors"))
                .setCount(prompts.size()).addAllPrompts(prompts).addAllSeeds(seeds)
                .setTeacherWeights(blobRef(teacher[0], "application/safetensors"))
                .setTeacherManifest(blobRef(teacher[1], "application/json"));
        // the latent space's decoder travels with the teacher: the trainer hands it on to eval-service
        teachers.attachedAutoencoder(job.teacherId()).ifPresent(ae -> produced
                .setAutoencoderWeights(blobRef(ae[0], "application/safetensors"))
                .setAutoencoderManifest(blobRef(ae[1], "application/json")));
        requests.insertShard(job.requestId(), index, blob, prompts.size());
        outbox.publish(Topics.SYNTHETIC_SHARDS, job.runId(), job.runId(),
                EventEnvelope.newBuilder().setSyntheticShardProduced(produced));
        if (index + 1 == job.shardCount()) {
            requests.updateState(job.requestId(), "produced", null);
        }
        log.info("request {}: shard {}/{} produced ({} samples, blob {})", job.requestId(), index + 1,
                job.shardCount(), prompts.size(), blob.sha256());
        return true;
    }

    private static BlobRef blobRef(BlobId id, String mediaType) {
        return BlobRef.newBuilder().setSha256(id.sha256()).setSizeBytes(id.sizeBytes()).setMediaType(mediaType).build();
    }

    private String promptFor(GenerationJob job, int sample) {
        if (!job.prompts().isEmpty()) {
            return job.prompts().get(sample % job.prompts().size());
        }
        int classes = defaultPrompts.numClasses();
        return defaultPrompts.prompt(sample % classes, (sample / classes) % defaultPrompts.numPhrasings());
    }

    private void fail(GenerationJob job, String reason) {
        requests.updateState(job.requestId(), "failed", reason);
        outbox.publish(Topics.SYNTHETIC_SHARDS, job.runId(), job.runId(), EventEnvelope.newBuilder()
                .setSyntheticDataRejected(SyntheticDataRejected.newBuilder().setRunId(job.runId())
                        .setRequestId(job.requestId()).setReason(reason)));
        log.warn("request {} failed: {}", job.requestId(), reason);
    }

    /** Asks for a pass soon (after a request was accepted). */
    void wakeUp() {
        ScheduledExecutorService w = worker;
        if (w != null) {
            w.execute(this::safePass);
        }
    }

    private void safePass() {
        try {
            produceAvailable();
        } catch (RuntimeException e) {
            log.warn("synthetic data generation paused, will retry: {}", e.getMessage());
        }
    }

    @Override
    public void start() {
        worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "synthetic-data");
            t.setDaemon(true);
            return t;
        });
        worker.scheduleWithFixedDelay(this::safePass, 1, 2, TimeUnit.SECONDS);
    }

    @Override
    public void stop() {
        worker.shutdownNow();
        try {
            worker.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        worker = null;
    }

    @Override
    public boolean isRunning() {
        return worker != null;
    }
}
