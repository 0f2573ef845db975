package dev.ladd.trainer.web;

import dev.ladd.events.v1.DistillationConfig;
import dev.ladd.trainer.run.RunDefaults;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.List;

/**
 * The body of {@code POST /api/v1/runs}, here and through the gateway (which passes it on unread and relays this
 * service's 400): the one run request, validated only here. Every field but the teacher is optional and takes
 * {@link RunDefaults#STANDARD}: iterations, batch size, checkpoint interval, seed, device and learning rates are
 * written into the event; the LADD switches (student noise, distillation, EMA, R1, renoise level, head updates,
 * width and blocks, betas, the student sampler's fresh-noise share, the discriminator's switches) only when given, else
 * the trainer reads the paper's values. Names and ids are {@link dev.ladd.ml.ladd.LaddConfig}'s (docs/adr/020); what
 * LaddConfig refuses across fields (headNorm 'group' with headChannels not divisible by 8, no loss at all) is refused by
 * {@link dev.ladd.trainer.run.RunService#start}, also as a 400.
 */
record StartRunRequest(
        @NotBlank @Pattern(regexp = "[A-Za-z0-9._-]{1,64}", message = "must be 1-64 letters, digits, '.', '_' or '-'")
        String teacherId,
        @Min(1) @Max(1_000_000) Integer iterations,
        @Min(1) @Max(4096) Integer batchSize,
        @Min(1) @Max(1_000_000) Integer checkpointInterval,
        Long seed,
        @DecimalMin(value = "0", inclusive = false) @DecimalMax("1") Float studentLearningRate,
        @DecimalMin(value = "0", inclusive = false) @DecimalMax("1") Float headLearningRate,
        @Pattern(regexp = "cpu|gpu", message = "must be 'cpu' or 'gpu'") String device,
        @Pattern(regexp = "fresh|shard", message = "must be 'fresh' or 'shard'") String studentNoise,
        @DecimalMin("0") @DecimalMax("1000") Float distillationWeight,
        @DecimalMin("0") @DecimalMax(value = "1", inclusive = false) Float emaDecay,
        @DecimalMin("-5") @DecimalMax("5") Float renoiseMean,
        @Min(1) @Max(16) Integer discriminatorSteps,
        @DecimalMin("0") @DecimalMax("1000") Float r1Weight,
        @Min(1) @Max(1024) Integer headChannels,
        @DecimalMin("0") @DecimalMax("1") Float samplerEta,
        @DecimalMin(value = "0", inclusive = false) @DecimalMax("10") Float renoiseStd,
        @Size(max = 64) List<@NotNull @Min(0) @Max(1023) Integer> featureBlocks,
        @DecimalMin(value = "0", inclusive = false) @DecimalMax(value = "1", inclusive = false) Float beta1,
        @DecimalMin(value = "0", inclusive = false) @DecimalMax(value = "1", inclusive = false) Float beta2,
        @DecimalMin(value = "0", inclusive = false) @DecimalMax("1") Float r1Sigma,
        @DecimalMin("0") @DecimalMax("1000") Float adversarialWeight,
        @Min(0) @Max(1_000_000) Integer adversarialRampIterations,
        @Pattern(regexp = "fixed|adaptive", message = "must be 'fixed' or 'adaptive'") String adversarialWeighting,
        @Pattern(regexp = "hinge|softplus", message = "must be 'hinge' or 'softplus'") String adversarialLoss,
        Boolean sharedRenoise,
        @Pattern(regexp = "image|token", message = "must be 'image' or 'token'") String headLogits,
        @Pattern(regexp = "layer|group", message = "must be 'layer' or 'group'") String headNorm,
        Boolean wrongPromptFakes,
        @Pattern(regexp = "synthetic|real", message = "must be 'synthetic' or 'real'") String discriminatorData) {

    /** The event's config: the given fields, {@code defaults} for the run's basics (as the gateway wrote them before). */
    DistillationConfig toConfig(RunDefaults defaults) {
        DistillationConfig.Builder config = DistillationConfig.newBuilder()
                .setIterations(iterations != null ? iterations : defaults.iterations())
                .setBatchSize(batchSize != null ? batchSize : defaults.batchSize())
                .setCheckpointInterval(checkpointInterval != null ? checkpointInterval : defaults.checkpointInterval())
                .setStudentLearningRate(studentLearningRate != null ? studentLearningRate : defaults.studentLearningRate())
                .setHeadLearningRate(headLearningRate != null ? headLearningRate : defaults.headLearningRate())
                .setSeed(seed != null ? seed : defaults.seed())
                .setDevice(device != null ? device : defaults.device());
        if (studentNoise != null) config.setStudentNoise(studentNoise);
        if (distillationWeight != null) config.setDistillationWeight(distillationWeight);
        if (emaDecay != null) config.setEmaDecay(emaDecay);
        if (renoiseMean != null) config.setRenoiseMean(renoiseMean);
        if (discriminatorSteps != null) config.setDiscriminatorSteps(discriminatorSteps);
        if (r1Weight != null) config.setR1Weight(r1Weight);
        if (headChannels != null) config.setHeadChannels(headChannels);
        if (samplerEta != null) config.setSamplerEta(samplerEta);
        if (renoiseStd != null) config.setRenoiseStd(renoiseStd);
        if (featureBlocks != null) config.addAllFeatureBlocks(featureBlocks);
        if (beta1 != null) config.setBeta1(beta1);
        if (beta2 != null) config.setBeta2(beta2);
        if (r1Sigma != null) config.setR1Sigma(r1Sigma);
        if (adversarialWeight != null) config.setAdversarialWeight(adversarialWeight);
        if (adversarialRampIterations != null) config.setAdversarialRampIterations(adversarialRampIterations);
        if (adversarialWeighting != null) config.setAdversarialWeighting(adversarialWeighting);
        if (adversarialLoss != null) config.setAdversarialLoss(adversarialLoss);
        if (sharedRenoise != null) config.setSharedRenoise(sharedRenoise);
        if (headLogits != null) config.setHeadLogits(headLogits);
        if (headNorm != null) config.setHeadNorm(headNorm);
        if (wrongPromptFakes != null) config.setWrongPromptFakes(wrongPromptFakes);
        if (discriminatorData != null) config.setDiscriminatorData(discriminatorData);
        return config.build();
    }
}
