package dev.ladd.teacher.registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files of a model folder as {@code train-default} writes it: {@code teacher.json} + {@code teacher.safetensors},
 * and optionally {@code autoencoder.json} + {@code autoencoder.safetensors} (null when absent).
 */
public record ModelFolder(byte[] teacherManifest, byte[] teacherWeights, byte[] autoencoderManifest,
                          byte[] autoencoderWeights) {

    public static final String TEACHER_MANIFEST = "teacher.json";
    public static final String TEACHER_WEIGHTS = "teacher.safetensors";
    public static final String AUTOENCODER_MANIFEST = "autoencoder.json";
    public static final String AUTOENCODER_WEIGHTS = "autoencoder.safetensors";

    /** Reads a folder the service was configured with (trusted: no confinement, no size cap). */
    public static ModelFolder read(Path folder) throws IOException {
        Path aeManifest = folder.resolve(AUTOENCODER_MANIFEST);
        boolean autoencoder = Files.exists(aeManifest);
        return new ModelFolder(Files.readAllBytes(folder.resolve(TEACHER_MANIFEST)),
                Files.readAllBytes(folder.resolve(TEACHER_WEIGHTS)),
                autoencoder ? Files.readAllBytes(aeManifest) : null,
                autoencoder ? Files.readAllBytes(folder.resolve(AUTOENCODER_WEIGHTS)) : null);
    }
}
