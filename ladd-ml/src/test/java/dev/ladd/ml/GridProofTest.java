package dev.ladd.ml;

import ai.djl.ndarray.NDManager;
import dev.ladd.ml.checkpoint.AutoencoderCheckpoint;
import dev.ladd.ml.checkpoint.CheckpointManifest;
import dev.ladd.ml.checkpoint.CheckpointManifests;
import dev.ladd.ml.checkpoint.FlowModelCheckpoint;
import dev.ladd.ml.data.ClassGrid;
import dev.ladd.ml.data.Prompts;
import dev.ladd.ml.diffusion.EulerSampler;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.pipeline.FlowModel;
import dev.ladd.ml.pipeline.Pipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Not a test of the suite (skipped unless {@code -Dladd.gridProof.out=DIR}): renders the committed models' class
 * grids (teacher 50 and 4 steps with CFG 1.5, the default student at 1/2/4 steps) with their raw latents and the
 * latents' sha256, so that a refactoring can be shown to leave every byte as it was (docs/adr/019).
 */
@EnabledIfSystemProperty(named = "ladd.gridProof.out", matches = ".+")
class GridProofTest {

    @Test
    void rendersTheCommittedModelsGrids() throws Exception {
        Path out = Path.of(System.getProperty("ladd.gridProof.out"));
        Path models = Path.of(System.getProperty("ladd.gridProof.models", "../models"));
        Files.createDirectories(out);
        ClassGrid grid = new ClassGrid(Prompts.fashionMnist(), 8);
        StringBuilder sums = new StringBuilder();
        try (NDManager manager = NDManager.newBaseManager()) {
            Autoencoder autoencoder = AutoencoderCheckpoint.load(
                    CheckpointManifests.read(models.resolve("default/autoencoder.json")),
                    Files.readAllBytes(models.resolve("default/autoencoder.safetensors")), manager);
            try (FlowModel teacher = FlowModelCheckpoint.load(Files.readAllBytes(models.resolve("default/teacher.safetensors")),
                    CheckpointManifests.read(models.resolve("default/teacher.json")), FlowModel.Role.TEACHER)) {
                for (int steps : new int[]{50, 4}) {
                    float[] latents = new Pipeline(teacher, new EulerSampler(steps, 1.5, 1.0), autoencoder)
                            .latents(grid.prompts(), grid.seeds());
                    write(out, "teacher-" + steps + "steps-cfg1.5", latents, autoencoder, grid, sums);
                }
            }
            CheckpointManifest manifest = CheckpointManifests.read(models.resolve("default-student/student.json"));
            try (FlowModel student = FlowModelCheckpoint.load(
                    Files.readAllBytes(models.resolve("default-student/student.safetensors")), manifest, FlowModel.Role.STUDENT)) {
                for (int steps : new int[]{1, 2, 4}) {
                    float[] latents = new Pipeline(student, student.studentSampler(steps), autoencoder)
                            .latents(grid.prompts(), grid.seeds());
                    write(out, "student-" + steps + "steps", latents, autoencoder, grid, sums);
                }
            }
        }
        Files.writeString(out.resolve("latents.sha256"), sums.toString());
    }

    private static void write(Path out, String name, float[] latents, Autoencoder autoencoder, ClassGrid grid,
                              StringBuilder sums) throws Exception {
        ByteBuffer bytes = ByteBuffer.allocate(latents.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(latents);
        byte[] raw = bytes.array();
        Files.write(out.resolve(name + ".latents.f32"), raw);
        Files.write(out.resolve(name + ".png"), grid.png(autoencoder.decodeLatents(latents),
                autoencoder.config().imageSize()));
        sums.append(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw)))
                .append("  ").append(name).append(".latents.f32\n");
    }
}
