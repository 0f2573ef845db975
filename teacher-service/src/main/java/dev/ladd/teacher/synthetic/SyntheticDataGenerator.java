package dev.ladd.teacher.synthetic;

import dev.ladd.events.Topics;
import dev.ladd.events.v1.BlobRef;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.SyntheticDataRejected;
import dev.ladd.events.v1.SyntheticShardProduced;
import dev.ladd.ml.blob.BlobId;
import dev.ladd.ml.blob.ModelRef;
import dev.ladd.ml.blob.BlobStore;
import dev.ladd.ml.data.LatentShard;
import dev.ladd.ml.data.Prompts;
import dev.ladd.ml.train.Seeds;
import dev.ladd.platform.events.Outbox;
import dev.ladd.platform.worker.BackgroundWorker;
import dev.ladd.teacher.TeacherProperties;
import dev.ladd.teacher.registry.TeacherRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Turns accepted synthetic-data requests into latent shards, one shard per claim (docs/adr/016):
 * <ol>
 *   <li>a short transaction claims the oldest due request (accepted and past its backoff, or claimed by a worker
 *       whose lease ran out) under a token of its own, for {@code ladd.teacher.generation.lease}: one attempt;</li>
 *   <li>the next missing shard is sampled with the teacher and stored in the blob store (content addressed: a
 *       repeated attempt stores nothing twice) outside any transaction, holding no lock and no connection;</li>
 *   <li>a short transaction checks that the claim is still its own, records the shard, queues
 *       {@code SyntheticShardProduced} in the outbox and gives the request back for its next shard (or marks it
 *       produced). A worker that lost its claim meanwhile records nothing, so every shard is stored and announced
 *       exactly once.</li>
 * </ol>
 * An attempt that fails goes back with a backoff that doubles per attempt ({@code initial-backoff} … {@code
 * max-backoff}); other requests are served meanwhile. After {@code max-attempts} attempts at one shard (a lapsed
 * lease counts) the request fails and {@code SyntheticDataRejected} tells the trainer why, in the same transaction.
 * A request the teacher can never serve ({@link IllegalArgumentException}) fails at once. Sample i of a request
 * always gets the same prompt and seed, so a request's shards are reproducible.
 */
@Component
class SyntheticDataGenerator extends BackgroundWorker {

    private static final Logger log = LoggerFactory.getLogger(SyntheticDataGenerator.class);

    /** What one call of {@link #produceNext()} did. */
    enum Outcome { IDLE, PRODUCED, RETRY_LATER, FAILED, CLAIM_LOST }

    private final SyntheticRequestRepository requests;
    private final TeacherRegistry teachers;
    private final ShardSampler sampler;
    private final BlobStore blobs;
    private final Outbox outbox;
    private final TransactionTemplate tx;
    private final TeacherProperties.Generation settings;
    private final Prompts defaultPrompts = Prompts.fashionMnist();
    /** Names this worker in the claims it makes (process, host and a random part). */
    private final String workerId = ManagementFactory.getRuntimeMXBean().getName() + "/"
            + UUID.randomUUID().toString().substring(0, 8);

    /** A request claimed by this worker under {@code token}. */
    private record Claim(GenerationJob job, String token) {
    }

    SyntheticDataGenerator(SyntheticRequestRepository requests, TeacherRegistry teachers, ShardSampler sampler,
                           BlobStore blobs, Outbox outbox, TransactionTemplate tx, TeacherProperties properties) {
        super("synthetic-data", "ladd.teacher.generation.enabled");
        this.requests = requests;
        this.teachers = teachers;
        this.sampler = sampler;
        this.blobs = blobs;
        this.outbox = outbox;
        this.tx = tx;
        this.settings = properties.generation();
    }

    @Override
    protected boolean enabled() {
        return settings.enabled();
    }

    @Override
    protected Duration pollInterval() {
        return settings.pollInterval();
    }

    @Override
    protected boolean workOnce() {
        return produceNext() != Outcome.IDLE;
    }

    /** One attempt at the next shard of the oldest due request; call outside any transaction. */
    Outcome produceNext() {
        Object claimed = tx.execute(status -> claimNext());
        if (claimed instanceof Outcome outcome) {
            return outcome;
        }
        Claim claim = (Claim) claimed;
        GenerationJob job = claim.job();
        if (job.shardsDone() >= job.shardCount()) {
            return tx.execute(status -> complete(claim, null));
        }
        Shard shard;
        try {
            shard = sample(job);
        } catch (IllegalArgumentException e) {
            return tx.execute(status -> fail(claim, "generation failed: " + e.getMessage()));
        } catch (Exception e) {
            String error = e.getMessage() == null ? e.toString() : e.getMessage();
            return tx.execute(status -> job.attempts() >= settings.maxAttempts()
                    ? fail(claim, "generation failed " + job.attempts() + " times, giving up; last error: " + error)
                    : retryLater(claim, error));
        }
        return tx.execute(status -> complete(claim, shard));
    }

    /** Claims the oldest due request (in the caller's transaction), or fails one whose attempts are used up. */
    private Object claimNext() {
        GenerationJob job = requests.lockNextDue().orElse(null);
        if (job == null) {
            return Outcome.IDLE;
        }
        if (job.lapsed() && job.attempts() >= settings.maxAttempts()) {
            failInTransaction(job, "generation failed " + job.attempts() + " times, giving up; the last attempt's "
                    + "worker stopped before it finished (its lease of " + settings.lease() + " ran out)");
            return Outcome.FAILED;
        }
        if (job.lapsed()) {
            log.warn("request {}: taking over a claim whose lease ran out (attempt {} of {})", job.requestId(),
                    job.attempts() + 1, settings.maxAttempts());
        }
        String token = workerId + "/" + UUID.randomUUID();
        requests.claim(job.requestId(), token, settings.lease());
        GenerationJob claimed = new GenerationJob(job.requestId(), job.runId(), job.teacherId(), job.numSamples(),
                job.shardSize(), job.samplerSteps(), job.cfgScale(), job.seed(), job.prompts(), job.shardsDone(),
                job.attempts() + 1, false, job.lastError());
        return new Claim(claimed, token);
    }

    /** A sampled shard, already in the blob store. */
    private record Shard(int index, List<String> prompts, List<Long> seeds, BlobId blob) {
    }

    /** Samples the request's next shard and stores it in the blob store; no transaction, no connection held. */
    private Shard sample(GenerationJob job) throws Exception {
        int index = job.shardsDone();
        int from = index * job.shardSize();
        int to = Math.min(job.numSamples(), from + job.shardSize());
        List<String> prompts = new ArrayList<>(to - from);
        List<Long> seeds = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            prompts.add(promptFor(job, i));
            seeds.add(Seeds.derive(job.seed(), i));
        }
        LatentShard shard = sampler.sample(job, prompts, seeds);
        return new Shard(index, prompts, seeds, blobs.put(shard.toSafetensors()));
    }

    /** Records the shard and announces it, if the claim is still this worker's (in the caller's transaction). */
    private Outcome complete(Claim claim, Shard shard) {
        GenerationJob job = claim.job();
        if (!requests.lockClaim(job.requestId(), claim.token())) {
            log.warn("request {}: lost its claim while sampling shard {} (lease ran out); another worker records it",
                    job.requestId(), job.shardsDone());
            return Outcome.CLAIM_LOST;
        }
        if (shard != null && requests.insertShard(job.requestId(), shard.index(), shard.blob(), shard.prompts().size())) {
            outbox.publish(Topics.SYNTHETIC_SHARDS, job.runId(), job.runId(),
                    EventEnvelope.newBuilder().setSyntheticShardProduced(produced(job, shard)));
            log.info("request {}: shard {}/{} produced ({} samples, blob {})", job.requestId(), shard.index() + 1,
                    job.shardCount(), shard.prompts().size(), shard.blob().sha256());
        }
        if (shard == null || shard.index() + 1 >= job.shardCount()) {
            requests.finish(job.requestId(), "produced", null);
        } else {
            requests.release(job.requestId());
        }
        return Outcome.PRODUCED;
    }

    private SyntheticShardProduced.Builder produced(GenerationJob job, Shard shard) {
        ModelRef teacher = teachers.checkpointBlobs(job.teacherId());
        SyntheticShardProduced.Builder produced = SyntheticShardProduced.newBuilder()
                .setRunId(job.runId()).setRequestId(job.requestId())
                .setShardIndex(shard.index()).setShardCount(job.shardCount())
                .setShard(BlobRef.newBuilder().setSha256(shard.blob().sha256()).setSizeBytes(shard.blob().sizeBytes())
                        .setMediaType("application/vnd.ladd.latent-shard+safetensors"))
                .setCount(shard.prompts().size()).addAllPrompts(shard.prompts()).addAllSeeds(shard.seeds())
                .setTeacher(dev.ladd.events.v1.ModelRef.newBuilder().setWeights(blobRef(teacher.weights(), "application/safetensors"))
                .setManifest(blobRef(teacher.manifest(), "application/json")));
        // the latent space's decoder travels with the teacher: the trainer hands it on to eval-service
        teachers.attachedAutoencoder(job.teacherId()).ifPresent(ae -> produced
                .setAutoencoder(dev.ladd.events.v1.ModelRef.newBuilder().setWeights(blobRef(ae.weights(), "application/safetensors"))
                .setManifest(blobRef(ae.manifest(), "application/json"))));
        return produced;
    }

    private static BlobRef blobRef(BlobId id, String mediaType) {
        return BlobRef.newBuilder().setSha256(id.sha256()).setSizeBytes(id.sizeBytes()).setMediaType(mediaType).build();
    }

    /** Gives the claimed request back after a failed attempt, due again after its backoff. */
    private Outcome retryLater(Claim claim, String error) {
        GenerationJob job = claim.job();
        if (!requests.lockClaim(job.requestId(), claim.token())) {
            return Outcome.CLAIM_LOST;
        }
        Duration backoff = settings.backoffAfter(job.attempts());
        requests.retryLater(job.requestId(), error, backoff);
        log.warn("request {}: attempt {} of {} at shard {} failed, next in {}: {}", job.requestId(), job.attempts(),
                settings.maxAttempts(), job.shardsDone(), backoff, error);
        return Outcome.RETRY_LATER;
    }

    /** Fails the claimed request for good, if the claim is still this worker's. */
    private Outcome fail(Claim claim, String reason) {
        if (!requests.lockClaim(claim.job().requestId(), claim.token())) {
            return Outcome.CLAIM_LOST;
        }
        failInTransaction(claim.job(), reason);
        return Outcome.FAILED;
    }

    /** Marks the request failed and tells the trainer why (in the caller's transaction, which holds the row). */
    private void failInTransaction(GenerationJob job, String reason) {
        requests.finish(job.requestId(), "failed", reason);
        outbox.publish(Topics.SYNTHETIC_SHARDS, job.runId(), job.runId(), EventEnvelope.newBuilder()
                .setSyntheticDataRejected(SyntheticDataRejected.newBuilder().setRunId(job.runId())
                        .setRequestId(job.requestId()).setReason(reason)));
        log.warn("request {} failed: {}", job.requestId(), reason);
    }

    private String promptFor(GenerationJob job, int sample) {
        if (!job.prompts().isEmpty()) {
            return job.prompts().get(sample % job.prompts().size());
        }
        int classes = defaultPrompts.numClasses();
        return defaultPrompts.prompt(sample % classes, (sample / classes) % defaultPrompts.numPhrasings());
    }
}
