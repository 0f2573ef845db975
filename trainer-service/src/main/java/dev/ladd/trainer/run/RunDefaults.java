package dev.ladd.trainer.run;

import dev.ladd.ml.ladd.LaddConfig;

import java.util.List;

/**
 * What a run gets for every field its request leaves out: the one place run defaults live (docs/adr/020). The REST
 * API shows them ({@code GET /api/v1/runs/defaults}, the dashboard's run form reads them through the gateway); a
 * RunRequested event that leaves iterations or the checkpoint interval at 0 takes them too. The LADD knobs are
 * {@link LaddConfig#paper()}'s, under LaddConfig's names and ids ({@code featureBlocks} [] = every block).
 */
public record RunDefaults(int iterations, int batchSize, int checkpointInterval, long seed, float studentLearningRate,
                          float headLearningRate, String device, String studentNoise, double distillationWeight,
                          double emaDecay, double renoiseMean, int discriminatorSteps, double r1Weight, int headChannels,
                          double samplerEta, double renoiseStd, List<Integer> featureBlocks, float beta1, float beta2,
                          double r1Sigma, double adversarialWeight, int adversarialRampIterations,
                          String adversarialWeighting, String adversarialLoss, boolean sharedRenoise, String headLogits, String headNorm,
                          boolean wrongPromptFakes, String discriminatorData) {

    public static final RunDefaults STANDARD = standard();

    private static RunDefaults standard() {
        LaddConfig paper = LaddConfig.paper();
        return new RunDefaults(2000, paper.batchSize(), 250, 0, paper.studentLearningRate(), paper.headLearningRate(),
                "cpu", paper.studentNoise().id(), paper.distillationWeight(), paper.emaDecay(), paper.renoiseMean(),
                paper.discriminatorSteps(), paper.r1Weight(), paper.headChannels(), paper.samplerEta(), paper.renoiseStd(),
                paper.featureBlocks(), paper.beta1(), paper.beta2(), paper.r1Sigma(), paper.adversarialWeight(),
                paper.adversarialRampIterations(), paper.adversarialWeighting().id(), paper.adversarialLoss().id(), paper.sharedRenoise(),
                paper.headLogits().id(), paper.headNorm().id(), paper.wrongPromptFakes(), paper.discriminatorData().id());
    }
}
