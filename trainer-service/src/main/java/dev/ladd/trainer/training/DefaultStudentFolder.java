package dev.ladd.trainer.training;

import dev.ladd.ml.checkpoint.CheckpointManifest;
import dev.ladd.ml.checkpoint.CheckpointManifests;
import dev.ladd.ml.pipeline.FlowModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The committed default student and the teacher it was distilled from, read from their folders and verified before
 * anything is imported (docs/adr/014): every file is there, every manifest is readable and of its kind, every weights
 * file's SHA-256 is the one its manifest names, and the student's parent is the teacher's weights, in the teacher's
 * architecture. What is wrong is said in an {@link IllegalArgumentException} naming the file.
 *
 * @param student     {@code student.safetensors} and {@code student.json}
 * @param teacher     {@code teacher.safetensors} and {@code teacher.json} of the teacher folder
 * @param autoencoder {@code autoencoder.safetensors} and {@code autoencoder.json} of the teacher folder
 * @param manifest    the student's manifest
 */
record DefaultStudentFolder(Model student, Model teacher, Model autoencoder, CheckpointManifest manifest) {

    /** A weights file and its manifest, as bytes (the blobs are exactly the files). */
    record Model(byte[] weights, byte[] manifestJson) {
    }

    /** The student's manifest alone (to know which student it is before reading the rest). */
    static CheckpointManifest studentManifest(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + " is not a folder");
        }
        return manifest(dir.resolve("student.json"), read(dir.resolve("student.json")));
    }

    static DefaultStudentFolder read(Path dir, Path teacherDir) {
        CheckpointManifest student = studentManifest(dir);
        if (!Files.isDirectory(teacherDir)) {
            throw new IllegalArgumentException("the teacher folder " + teacherDir + " is not a folder");
        }
        Model studentFiles = model(dir, "student", FlowModel.Role.STUDENT.kind());
        Model teacherFiles = model(teacherDir, "teacher", "teacher");
        Model autoencoderFiles = model(teacherDir, "autoencoder", "autoencoder");
        CheckpointManifest teacher = manifest(teacherDir.resolve("teacher.json"), teacherFiles.manifestJson());
        if (!teacher.weightsSha256().equals(student.parent())) {
            throw new IllegalArgumentException(dir.resolve("student.json") + " names parent " + student.parent()
                    + ", but the teacher in " + teacherDir + " has weights " + teacher.weightsSha256()
                    + ": the student was not distilled from this teacher");
        }
        if (!Objects.equals(student.architecture(), teacher.architecture())) {
            throw new IllegalArgumentException(dir.resolve("student.json") + " has another architecture than its teacher "
                    + teacherDir.resolve("teacher.json"));
        }
        if (student.step() < 1 || student.step() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(dir.resolve("student.json") + " has step " + student.step()
                    + "; a distilled student has a step from 1 to " + Integer.MAX_VALUE);
        }
        return new DefaultStudentFolder(studentFiles, teacherFiles, autoencoderFiles, student);
    }

    /** {@code <name>.safetensors} + {@code <name>.json} of {@code dir}, the manifest of {@code kind} and naming the weights. */
    private static Model model(Path dir, String name, String kind) {
        Path manifestFile = dir.resolve(name + ".json");
        Path weightsFile = dir.resolve(name + ".safetensors");
        byte[] manifestJson = read(manifestFile);
        byte[] weights = read(weightsFile);
        try {
            CheckpointManifests.checkWeights(manifest(manifestFile, manifestJson), kind, weights);
        } catch (IOException e) {
            throw new IllegalArgumentException(weightsFile + " does not match " + manifestFile + ": " + e.getMessage(), e);
        }
        return new Model(weights, manifestJson);
    }

    private static CheckpointManifest manifest(Path file, byte[] json) {
        try {
            return CheckpointManifests.read(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + " is missing");
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " cannot be read: " + e.getMessage(), e);
        }
    }
}
