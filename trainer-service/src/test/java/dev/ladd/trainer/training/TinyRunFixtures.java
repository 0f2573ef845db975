package dev.ladd.trainer.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.ladd.events.Topics;
import dev.ladd.events.v1.BlobRef;
import dev.ladd.events.v1.DistillationConfig;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.RunRequested;
import dev.ladd.events.v1.SyntheticShardProduced;
import dev.ladd.ml.blob.BlobId;
import dev.ladd.ml.blob.ModelRef;
import dev.ladd.ml.blob.BlobStore;
import dev.ladd.ml.checkpoint.AutoencoderCheckpoint;
import dev.ladd.ml.checkpoint.Checkpoint;
import dev.ladd.ml.checkpoint.CheckpointManifests;
import dev.ladd.ml.checkpoint.FlowModelCheckpoint;
import dev.ladd.ml.data.LatentShard;
import dev.ladd.ml.data.Prompts;
import dev.ladd.ml.data.TinyDataset;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.nn.AutoencoderConfig;
import dev.ladd.ml.nn.FlowTransformer;
import dev.ladd.ml.nn.FlowTransformerConfig;
import dev.ladd.ml.text.WordTokenizer;
import dev.ladd.platform.test.TestEvents;
import dev.ladd.platform.test.TestKafka;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A tiny teacher in the blob store and the events teacher-service would send for it: tests play
 * teacher-service, so a run trains in seconds. The sizes below match the tests' {@code ladd.trainer.synthetic-data.*}.
 */
final class TinyRunFixtures {

    static final int SAMPLES_PER_REQUEST = 8;
    static final int SHARD_SIZE = 4;
    static final int REQUESTS = 2;

    private final BlobStore blobs;
    private final ModelRef teacher;
    private final ModelRef autoencoder;

    TinyRunFixtures(BlobStore blobs) throws IOException {
        this.blobs = blobs;
        Prompts prompts = TinyDataset.prompts(4);
        WordTokenizer tokenizer = WordTokenizer.build(prompts.allPrompts(), 8);
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            FlowTransformer model = new FlowTransformer(FlowTransformerConfig.tiny(tokenizer.vocabularySize(), 8));
            model.initialize(manager);
            Checkpoint checkpoint = FlowModelCheckpoint.teacher(model, tokenizer, 1.0, 0.0, null, 0, Map.of());
            teacher = new ModelRef(blobs.put(checkpoint.weights()), blobs.put(checkpoint.manifestJson()));
            Autoencoder ae = new Autoencoder(AutoencoderConfig.tiny());
            ae.initialize(manager, 4);
            Checkpoint aeCheckpoint = AutoencoderCheckpoint.save(ae, 0, Map.of());
            autoencoder = new ModelRef(blobs.put(aeCheckpoint.weights()),
                    blobs.put(CheckpointManifests.toJson(aeCheckpoint.manifest())));
        }
    }

    /** {weights, manifest} of the tiny teacher the shards name. */
    ModelRef teacher() {
        return teacher;
    }

    /** {weights, manifest} of the tiny autoencoder the shards name as the teacher's latent space. */
    ModelRef autoencoder() {
        return autoencoder;
    }

    /** Sends RunRequested and waits until the trainer has the run (teacher-service answers only after that). */
    static void requestRun(TestKafka kafka, dev.ladd.trainer.run.RunRepository runs, String runId, DistillationConfig config) {
        kafka.send(Topics.RUN_REQUESTED, runId, runRequested(runId, config));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> runs.find(runId).isPresent());
    }

    static EventEnvelope runRequested(String runId, DistillationConfig config) {
        return TestEvents.from("gateway-service", runId, EventEnvelope.newBuilder().setRunRequested(RunRequested.newBuilder()
                .setRunId(runId).setTeacherId("tiny").setRequestedBy("test").setConfig(config)));
    }

    /** 4 iterations of batch 4 with a checkpoint every 2, small heads, every optional term on. */
    static DistillationConfig config() {
        return DistillationConfig.newBuilder().setIterations(4).setCheckpointInterval(2).setBatchSize(4)
                .setHeadChannels(8).setSeed(5).setEmaDecay(0.9f).setR1Weight(0.1f).setDistillationWeight(0.5f)
                .setStudentLearningRate(1e-3f).setHeadLearningRate(1e-3f).build();
    }

    /** Sends every shard of the run's dataset (the same latents for every run). */
    void sendAllShards(TestKafka kafka, String runId) throws IOException {
        for (int request = 0; request < REQUESTS; request++) {
            for (int shard = 0; shard < SAMPLES_PER_REQUEST / SHARD_SIZE; shard++) {
                kafka.send(Topics.SYNTHETIC_SHARDS, runId, shardEvent(runId, request, shard, shardBlob(request, shard)));
            }
        }
    }

    BlobId shardBlob(int request, int shard) throws IOException {
        return shardBlob(request, shard, false);
    }

    /** A shard whose latents are all NaN, as a teacher on a broken numerical backend could make. */
    BlobId nonFiniteShardBlob(int request, int shard) throws IOException {
        return shardBlob(request, shard, true);
    }

    private BlobId shardBlob(int request, int shard, boolean nonFinite) throws IOException {
        Random rng = new Random(request * 100L + shard);
        float[] latents = new float[SHARD_SIZE * 256];
        for (int i = 0; i < latents.length; i++) {
            latents[i] = nonFinite ? Float.NaN : (float) rng.nextGaussian();
        }
        List<String> prompts = new ArrayList<>();
        List<Long> seeds = new ArrayList<>();
        Prompts all = TinyDataset.prompts(4);
        for (int i = 0; i < SHARD_SIZE; i++) {
            prompts.add(all.prompt(i % 4, 0));
            seeds.add(request * 1000L + shard * 10L + i);
        }
        return blobs.put(new LatentShard("tiny", 1, 1f, new long[]{4, 8, 8}, latents, prompts, seeds).toSafetensors());
    }

    EventEnvelope shardEvent(String runId, int request, int shard, BlobId blob) {
        return TestEvents.from("teacher-service", runId, EventEnvelope.newBuilder().setSyntheticShardProduced(
                SyntheticShardProduced.newBuilder().setRunId(runId).setRequestId(runId + "/data-" + request)
                        .setShardIndex(shard).setShardCount(SAMPLES_PER_REQUEST / SHARD_SIZE).setCount(SHARD_SIZE)
                        .setShard(ref(blob)).setTeacher(dev.ladd.events.v1.ModelRef.newBuilder().setWeights(ref(teacher.weights())).setManifest(ref(teacher.manifest())))
                        .setAutoencoder(dev.ladd.events.v1.ModelRef.newBuilder().setWeights(ref(autoencoder.weights())).setManifest(ref(autoencoder.manifest())))));
    }

    private static BlobRef ref(BlobId id) {
        return BlobRef.newBuilder().setSha256(id.sha256()).setSizeBytes(id.sizeBytes()).build();
    }
}
