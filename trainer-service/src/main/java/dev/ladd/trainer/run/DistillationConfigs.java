package dev.ladd.trainer.run;

import dev.ladd.events.v1.DistillationConfig;
import dev.ladd.ml.ladd.LaddConfig;
import dev.ladd.ml.nn.HeadNorm;

import java.util.List;

/**
 * A run's {@link DistillationConfig} (the event's form, where 0, false or empty means "not given", and an
 * {@code optional} field not present does) as the {@link LaddConfig} it trains with: every field not given takes the
 * paper's default. The switches' ids are LaddConfig's ("hinge", "token", "group", "real", …).
 */
public final class DistillationConfigs {

    private DistillationConfigs() {
    }

    /** @throws IllegalArgumentException naming the invalid field */
    public static LaddConfig toLaddConfig(DistillationConfig c) {
        LaddConfig d = LaddConfig.paper();
        List<Double> timesteps = c.getStudentTimestepsCount() == 0 ? d.studentTimesteps()
                : c.getStudentTimestepsList().stream().map(Float::doubleValue).toList();
        List<Double> weights = c.getStudentTimestepWeightsCount() == 0 && c.getStudentTimestepsCount() == 0
                ? d.studentTimestepWeights()
                : c.getStudentTimestepWeightsCount() == 0 ? timesteps.stream().map(t -> 1.0).toList()
                : c.getStudentTimestepWeightsList().stream().map(Float::doubleValue).toList();
        return LaddConfig.builder()
                .studentTimesteps(timesteps)
                .studentTimestepWeights(weights)
                .renoiseMean(c.hasRenoiseMean() ? c.getRenoiseMean() : d.renoiseMean())
                .renoiseStd(orDefault(c.getRenoiseStd(), d.renoiseStd()))
                .featureBlocks(c.getFeatureBlocksList())
                .headChannels(c.getHeadChannels() == 0 ? d.headChannels() : c.getHeadChannels())
                .studentLearningRate((float) orDefault(c.getStudentLearningRate(), d.studentLearningRate()))
                .headLearningRate((float) orDefault(c.getHeadLearningRate(), d.headLearningRate()))
                .beta1((float) orDefault(c.getBeta1(), d.beta1()))
                .beta2((float) orDefault(c.getBeta2(), d.beta2()))
                .batchSize(c.getBatchSize() == 0 ? d.batchSize() : c.getBatchSize())
                .discriminatorSteps(c.getDiscriminatorSteps() == 0 ? d.discriminatorSteps() : c.getDiscriminatorSteps())
                .r1Weight(c.getR1Weight())
                .r1Sigma(orDefault(c.getR1Sigma(), d.r1Sigma()))
                .emaDecay(c.getEmaDecay())
                .distillationWeight(c.getDistillationWeight())
                .studentNoise(c.getStudentNoise().isEmpty() ? d.studentNoise() : LaddConfig.StudentNoise.of(c.getStudentNoise()))
                .samplerEta(c.hasSamplerEta() ? c.getSamplerEta() : d.samplerEta())
                .adversarialWeight(c.hasAdversarialWeight() ? c.getAdversarialWeight() : d.adversarialWeight())
                .adversarialRampIterations(c.getAdversarialRampIterations())
                .adversarialWeighting(c.getAdversarialWeighting().isEmpty() ? d.adversarialWeighting()
                        : LaddConfig.AdversarialWeighting.of(c.getAdversarialWeighting()))
                .adversarialLoss(c.getAdversarialLoss().isEmpty() ? d.adversarialLoss()
                        : LaddConfig.AdversarialLoss.of(c.getAdversarialLoss()))
                .sharedRenoise(c.getSharedRenoise())
                .headLogits(c.getHeadLogits().isEmpty() ? d.headLogits() : LaddConfig.HeadLogits.of(c.getHeadLogits()))
                .headNorm(c.getHeadNorm().isEmpty() ? d.headNorm() : HeadNorm.of(c.getHeadNorm()))
                .wrongPromptFakes(c.getWrongPromptFakes())
                .discriminatorData(c.getDiscriminatorData().isEmpty() ? d.discriminatorData()
                        : LaddConfig.DiscriminatorData.of(c.getDiscriminatorData()))
                .seed(c.getSeed())
                .build();
    }

    private static double orDefault(float value, double fallback) {
        return value == 0 ? fallback : value;
    }
}
