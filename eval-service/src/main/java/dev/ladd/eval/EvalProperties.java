package dev.ladd.eval;

import dev.ladd.eval.scoring.Pass;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;

/**
 * eval-service settings ({@code ladd.eval.*}).
 *
 * @param samples         the evaluation set's size of the full pass: samples generated per scored configuration
 * @param quickSamples    the evaluation set's size of the quick pass, which every checkpoint gets first (its first
 *                        prompts and seeds); no quick pass when it is not below {@code samples}
 * @param studentSteps    student step counts scored for every checkpoint
 * @param teacherSteps    teacher Euler step counts of the baselines; the largest is the teacher's full step count
 * @param teacherCfgScale the classifier-free guidance scale of every teacher baseline
 * @param classifierDir   the metrics classifier and its reference statistics ({@code models/classifier})
 * @param baselineFiles   shipped teacher baselines ({@code models/default/baselines.json}) imported at start when
 *                        they match their teacher and the classifier; a missing file is skipped
 * @param speed           how models are timed
 * @param worker          the background worker that scores pending checkpoints
 */
@Validated
@ConfigurationProperties("ladd.eval")
public record EvalProperties(@Min(10) @Max(100_000) int samples,
                             @Min(10) @Max(100_000) int quickSamples,
                             @NotEmpty List<@NotNull @Min(1) @Max(64) Integer> studentSteps,
                             @NotEmpty List<@NotNull @Min(1) @Max(1000) Integer> teacherSteps,
                             @DecimalMin("0.0") @DecimalMax("20.0") double teacherCfgScale,
                             @NotNull Path classifierDir,
                             @NotNull List<@NotNull Path> baselineFiles,
                             @NotNull @Valid Speed speed,
                             @NotNull @Valid Worker worker) {

    /** The teacher's full step count: the baseline the speed-up is measured against. */
    public int teacherFullSteps() {
        return Collections.max(teacherSteps);
    }

    /** Whether checkpoints get a quick pass before the full one. */
    public boolean quickPass() {
        return quickSamples < samples;
    }

    /** The evaluation set's size of a pass. */
    public int samples(Pass pass) {
        return pass == Pass.QUICK ? quickSamples : samples;
    }

    /**
     * @param warmup  untimed calls before the timed ones, per batch size
     * @param repeats timed calls per batch size (the median is kept)
     */
    public record Speed(@Min(0) @Max(100) int warmup, @Min(1) @Max(1000) int repeats) {
    }

    /**
     * @param enabled             whether this instance scores (false: it only records checkpoints; for tests and
     *                            for replicas that should only serve the API)
     * @param pollInterval        how often an idle worker looks for pending checkpoints
     * @param maxAttempts         scoring runs that may fail unexpectedly before a checkpoint is refused
     * @param progressLogInterval how often long scoring work logs its progress and ETA
     */
    public record Worker(boolean enabled, @NotNull Duration pollInterval, @Min(1) @Max(100) int maxAttempts,
                         @NotNull @DurationMin(seconds = 1) Duration progressLogInterval) {
    }
}
