package dev.ladd.trainer.run;

import dev.ladd.events.v1.DistillationConfig;
import dev.ladd.ml.ladd.LaddConfig;

import java.util.List;

/**
 * A run's {@link DistillationConfig} (the event's form, where 0 or empty means "not given") as the
 * {@link LaddConfig} it trains with: every field not given takes the paper's default.
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
        return new LaddConfig(timesteps, weights,
                c.hasRenoiseMean() ? c.getRenoiseMean() : d.renoiseMean(),
                orDefault(c.getRenoiseStd(), d.renoiseStd()),
                c.getFeatureBlocksList(),
                c.getHeadChannels() == 0 ? d.headChannels() : c.getHeadChannels(),
                (float) orDefault(c.getStudentLearningRate(), d.studentLearningRate()),
                (float) orDefault(c.getHeadLearningRate(), d.headLearningRate()),
                (float) orDefault(c.getBeta1(), d.beta1()),
                (float) orDefault(c.getBeta2(), d.beta2()),
                c.getBatchSize() == 0 ? d.batchSize() : c.getBatchSize(),
                c.getDiscriminatorSteps() == 0 ? d.discriminatorSteps() : c.getDiscriminatorSteps(),
                c.getR1Weight(),
                orDefault(c.getR1Sigma(), d.r1Sigma()),
                c.getEmaDecay(),
                c.getDistillationWeight(),
                c.getStudentNoise().isEmpty() ? d.studentNoise() : LaddConfig.StudentNoise.of(c.getStudentNoise()),
                c.hasSamplerEta() ? c.getSamplerEta() : d.samplerEta(),
                c.getSeed());
    }

    private static double orDefault(float value, double fallback) {
        return value == 0 ? fallback : value;
    }
}
