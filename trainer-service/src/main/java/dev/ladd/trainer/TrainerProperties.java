package dev.ladd.trainer;

import dev.ladd.ml.data.FashionMnist;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.nio.file.Path;
import java.time.Duration;

/**
 * trainer-service settings ({@code ladd.trainer.*}).
 *
 * @param syntheticData how the trainer asks teacher-service for synthetic latents
 * @param execution     the training worker
 * @param defaultStudent the committed default student, imported on start (docs/adr/014)
 * @param realData      the real images of runs whose discriminator sees real data ({@code discriminatorData: real})
 */
@Validated
@ConfigurationProperties("ladd.trainer")
public record TrainerProperties(@NotNull @Valid SyntheticData syntheticData, @NotNull @Valid Execution execution,
                                @NotNull @Valid DefaultStudent defaultStudent, @NotNull @Valid RealData realData) {

    /**
     * A run's synthetic dataset is {@code requestsPerRun} requests of {@code samplesPerRequest} latents; the
     * trainer publishes request k + 1 when it starts reading request k, so at most two requests' shards wait.
     *
     * @param samplesPerRequest latents asked for in one request
     * @param requestsPerRun    requests in a run's dataset (iterations beyond it cycle over the data again)
     * @param shardSize         latents per shard
     * @param samplerSteps      teacher Euler steps per sample
     * @param cfgScale          teacher classifier-free guidance scale
     */
    public record SyntheticData(@Min(1) @Max(1_000_000) int samplesPerRequest,
                                @Min(1) @Max(1000) int requestsPerRun,
                                @Min(1) @Max(65_536) int shardSize,
                                @Min(1) @Max(1000) int samplerSteps,
                                @DecimalMin("0.0") float cfgScale) {
    }

    /**
     * @param enabled      whether this instance trains (false: it only records runs and data)
     * @param pollInterval how often an idle worker looks for a run with data
     */
    public record Execution(boolean enabled, @NotNull Duration pollInterval) {
    }

    /**
     * A committed student model folder that the trainer imports on start as a completed run with one checkpoint and
     * publishes like any checkpoint (once, whatever the restarts and replicas); the gateway serves it on its default
     * alias while nobody has promoted anything (docs/adr/014).
     *
     * @param dir        the folder (student.json + student.safetensors, e.g. models/default-student; env
     *                   {@code LADD_TRAINER_DEFAULTSTUDENT_DIR}); unset: nothing is imported
     * @param teacherDir the folder of the teacher it was distilled from (teacher.json/.safetensors,
     *                   autoencoder.json/.safetensors, e.g. models/default; env
     *                   {@code LADD_TRAINER_DEFAULTSTUDENT_TEACHERDIR}): the student's manifest must name this teacher's
     *                   weights as its parent, and their blobs travel with the checkpoint as with every checkpoint
     * @param teacherId  the id teacher-service registers that teacher under
     */
    public record DefaultStudent(Path dir, Path teacherDir, @NotBlank String teacherId) {

        @AssertTrue(message = "ladd.trainer.default-student.teacher-dir must be set when ladd.trainer.default-student.dir is")
        public boolean isTeacherDirGivenWithDir() {
            return dir == null || teacherDir != null;
        }
    }

    /**
     * Where a run with {@code discriminatorData: real} reads its real images: Fashion-MNIST's training split, encoded by
     * the run's teacher autoencoder once per run. The dataset is optional: without it such a run is refused at request
     * time, naming the folder and how to install it.
     *
     * @param fashionMnistDir the folder of Fashion-MNIST's four IDX files; default (application.yml) the system property
     *                        {@code ladd.fashion-mnist.dir}, else the environment variable {@code LADD_FASHION_MNIST_DIR},
     *                        else {@link FashionMnist#DEFAULT_DIRECTORY} (where {@value FashionMnist#INSTALL_HINT} puts it)
     */
    public record RealData(@NotNull Path fashionMnistDir) {

        public FashionMnist fashionMnist() {
            return FashionMnist.at(fashionMnistDir);
        }
    }
}
