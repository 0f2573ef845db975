package dev.ladd.trainer.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ladd.ml.checkpoint.AutoencoderCheckpoint;
import dev.ladd.ml.checkpoint.Checkpoint;
import dev.ladd.ml.checkpoint.CheckpointManifest;
import dev.ladd.ml.checkpoint.CheckpointManifests;
import dev.ladd.ml.checkpoint.FlowModelCheckpoint;
import dev.ladd.ml.data.Prompts;
import dev.ladd.ml.data.TinyDataset;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.nn.AutoencoderConfig;
import dev.ladd.ml.nn.FlowTransformer;
import dev.ladd.ml.nn.FlowTransformerConfig;
import dev.ladd.ml.text.WordTokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A tiny teacher folder (teacher.json/.safetensors, autoencoder.json/.safetensors, as models/default) and a tiny
 * student folder distilled "from" it (student.json/.safetensors, as {@code distill --out} writes them), made in code:
 * what the trainer imports as the committed default student, in kilobytes.
 */
final class TinyDefaultStudent {

    private TinyDefaultStudent() {
    }

    /** Writes the teacher folder (if not there yet) and a student of it, random from {@code seed}, at {@code step}. */
    static void write(Path teacherDir, Path studentDir, long seed, int step) throws IOException {
        Prompts prompts = TinyDataset.prompts(4);
        WordTokenizer tokenizer = WordTokenizer.build(prompts.allPrompts(), 8);
        try (NDManager manager = NDManager.newBaseManager()) {
            if (!Files.exists(teacherDir.resolve("teacher.json"))) {
                Checkpoint teacher = FlowModelCheckpoint.teacher(model(manager, tokenizer, 3), tokenizer, 1.0, 0.0, null,
                        5000, Map.of());
                Files.createDirectories(teacherDir);
                Files.write(teacherDir.resolve("teacher.safetensors"), teacher.weights());
                Files.write(teacherDir.resolve("teacher.json"), teacher.manifestJson());
                Autoencoder autoencoder = new Autoencoder(AutoencoderConfig.tiny());
                autoencoder.initialize(manager, 4);
                Checkpoint ae = AutoencoderCheckpoint.save(autoencoder, 0, Map.of());
                Files.write(teacherDir.resolve("autoencoder.safetensors"), ae.weights());
                Files.write(teacherDir.resolve("autoencoder.json"), CheckpointManifests.toJson(ae.manifest()));
            }
            CheckpointManifest teacher = CheckpointManifests.read(teacherDir.resolve("teacher.json"));
            Map<String, NDArray> weights = new LinkedHashMap<>();
            model(manager, tokenizer, seed).getParameters().forEach(p -> weights.put(p.getKey(), p.getValue().getArray()));
            // as distill writes it: the parent is the teacher's weights' SHA-256
            Checkpoint student = FlowModelCheckpoint.student(weights, teacher, teacher.weightsSha256(), "distill", step,
                    Map.of(), 0.0);
            Files.createDirectories(studentDir);
            Files.write(studentDir.resolve("student.safetensors"), student.weights());
            Files.write(studentDir.resolve("student.json"), student.manifestJson());
        }
    }

    private static FlowTransformer model(NDManager manager, WordTokenizer tokenizer, long seed) {
        Engine.getInstance().setRandomSeed(Math.toIntExact(seed));
        FlowTransformer model = new FlowTransformer(FlowTransformerConfig.tiny(tokenizer.vocabularySize(), 8));
        model.initialize(manager);
        return model;
    }
}
