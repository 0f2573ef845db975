package dev.ladd.trainer.run;

import dev.ladd.ml.ladd.LaddConfig;

/**
 * What a run gets for every field its request leaves out: the one place run defaults live (docs/adr/020). The REST
 * API shows them ({@code GET /api/v1/runs/defaults}, the dashboard's run form reads them through the gateway); a
 * RunRequested event that leaves iterations or the checkpoint interval at 0 takes them too. The LADD knobs are
 * {@link LaddConfig#paper()}'s.
 */
public record RunDefaults(int iterations, int batchSize, int checkpointInterval, long seed, float studentLearningRate,
                          float headLearningRate, String device, String studentNoise, double distillationWeight,
                          double emaDecay, double renoiseMean, int discriminatorSteps, double r1Weight, int headChannels,
                          double samplerEta) {

    public static final RunDefaults STANDARD = standard();

    private static RunDefaults standard() {
        LaddConfig paper = LaddConfig.paper();
        return new RunDefaults(2000, paper.batchSize(), 250, 0, paper.studentLearningRate(), paper.headLearningRate(),
                "cpu", paper.studentNoise().id(), paper.distillationWeight(), paper.emaDecay(), paper.renoiseMean(),
                paper.discriminatorSteps(), paper.r1Weight(), paper.headChannels(), paper.samplerEta());
    }
}
