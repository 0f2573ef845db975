package dev.ladd.teacher.synthetic;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.NormalInitializer;
import dev.ladd.ml.checkpoint.AutoencoderCheckpoint;
import dev.ladd.ml.checkpoint.Checkpoint;
import dev.ladd.ml.checkpoint.CheckpointManifests;
import dev.ladd.ml.checkpoint.FlowModelCheckpoint;
import dev.ladd.ml.data.Prompts;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.nn.AutoencoderConfig;
import dev.ladd.ml.nn.FlowTransformer;
import dev.ladd.ml.nn.FlowTransformerConfig;
import dev.ladd.ml.text.WordTokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A tiny, randomly initialized teacher checkpoint (a few thousand parameters) for tests. */
final class TinyTeacher {

    private TinyTeacher() {
    }

    /** Writes a model folder as train-default does: teacher.* and autoencoder.* (both tiny and random). */
    static Path folder(Path target) throws IOException {
        Checkpoint teacher = checkpoint();
        Files.createDirectories(target);
        Files.write(target.resolve("teacher.safetensors"), teacher.weights());
        Files.write(target.resolve("teacher.json"), teacher.manifestJson());
        try (NDManager manager = NDManager.newBaseManager()) {
            Autoencoder autoencoder = new Autoencoder(AutoencoderConfig.tiny());
            autoencoder.initialize(manager, 3);
            Checkpoint ae = AutoencoderCheckpoint.save(autoencoder, 0, Map.of());
            Files.write(target.resolve("autoencoder.safetensors"), ae.weights());
            Files.write(target.resolve("autoencoder.json"), CheckpointManifests.toJson(ae.manifest()));
        }
        return target;
    }

    static Checkpoint checkpoint() {
        Engine.getInstance().setRandomSeed(1);
        try (NDManager manager = NDManager.newBaseManager()) {
            WordTokenizer tokenizer = WordTokenizer.build(Prompts.fashionMnist().allPrompts(), 10);
            FlowTransformer model = new FlowTransformer(FlowTransformerConfig.tiny(tokenizer.vocabularySize(), 10));
            model.setInitializer(new NormalInitializer(0.1f), Parameter.Type.WEIGHT);
            model.initialize(manager);
            return FlowModelCheckpoint.teacher(model, tokenizer, 1.0, 0.0, null, 0, Map.of());
        }
    }
}
