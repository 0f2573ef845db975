package dev.ladd.trainer.run;

import dev.ladd.events.v1.DistillationConfig;
import dev.ladd.ml.ladd.LaddConfig;
import dev.ladd.ml.nn.HeadNorm;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DistillationConfigsTest {

    @Test
    void anEmptyConfigTrainsWithThePapersDefaults() {
        LaddConfig config = DistillationConfigs.toLaddConfig(DistillationConfig.getDefaultInstance());
        assertThat(config).isEqualTo(LaddConfig.paper());
        assertThat(config.studentTimesteps()).containsExactly(1.0, 0.75, 0.5, 0.25);
        assertThat(config.studentTimestepWeights()).containsExactly(0.7, 0.1, 0.1, 0.1);
        assertThat(config.renoiseMean()).isEqualTo(1.0);
        assertThat(config.distillationWeight()).isZero();
        assertThat(config.r1Weight()).isZero();
        assertThat(config.emaDecay()).isZero();
        assertThat(config.adversarialWeight()).isEqualTo(1.0);
        assertThat(config.adversarialRampIterations()).isZero();
        assertThat(config.adversarialLoss()).isEqualTo(LaddConfig.AdversarialLoss.HINGE);
        assertThat(config.sharedRenoise()).isFalse();
        assertThat(config.headLogits()).isEqualTo(LaddConfig.HeadLogits.IMAGE);
        assertThat(config.headNorm()).isEqualTo(HeadNorm.LAYER);
        assertThat(config.wrongPromptFakes()).isFalse();
        assertThat(config.discriminatorData()).isEqualTo(LaddConfig.DiscriminatorData.SYNTHETIC);
    }

    @Test
    void theDiscriminatorSwitchesAreReadByTheirIdsAndAZeroAdversarialWeightIsKeptBecauseItIsExplicit() {
        LaddConfig config = DistillationConfigs.toLaddConfig(DistillationConfig.newBuilder()
                .setAdversarialWeight(0f).setDistillationWeight(1f).setAdversarialRampIterations(100)
                .setAdversarialLoss("softplus").setAdversarialWeighting("adaptive").setSharedRenoise(true).setHeadLogits("token").setHeadNorm("group")
                .setHeadChannels(16).setWrongPromptFakes(true).setDiscriminatorData("real").setRenoiseStd(0.5f).build());
        assertThat(config.adversarialWeight()).isZero();   // the ablation, not read as "unset"
        assertThat(config.adversarialRampIterations()).isEqualTo(100);
        assertThat(config.adversarialLoss()).isEqualTo(LaddConfig.AdversarialLoss.SOFTPLUS);
        assertThat(config.adversarialWeighting()).isEqualTo(LaddConfig.AdversarialWeighting.ADAPTIVE);
        assertThat(config.sharedRenoise()).isTrue();
        assertThat(config.headLogits()).isEqualTo(LaddConfig.HeadLogits.TOKEN);
        assertThat(config.headNorm()).isEqualTo(HeadNorm.GROUP);
        assertThat(config.wrongPromptFakes()).isTrue();
        assertThat(config.discriminatorData()).isEqualTo(LaddConfig.DiscriminatorData.REAL);
        assertThat(config.renoiseStd()).isEqualTo(0.5);

        LaddConfig weighted = DistillationConfigs.toLaddConfig(DistillationConfig.newBuilder()
                .setAdversarialWeight(0.25f).setAdversarialLoss("").setHeadLogits("").setHeadNorm("")
                .setDiscriminatorData("").build());
        assertThat(weighted.adversarialWeight()).isEqualTo(0.25);
        assertThat(weighted).isEqualTo(LaddConfig.paper().toBuilder().adversarialWeight(0.25f).build());   // "" = default
    }

    @Test
    void givenFieldsReplaceTheDefaultsAndAZeroTHatMeanIsKeptBecauseItIsExplicit() {
        LaddConfig config = DistillationConfigs.toLaddConfig(DistillationConfig.newBuilder()
                .addAllStudentTimesteps(List.of(1f, 0.5f)).setRenoiseMean(0f).setStudentLearningRate(1e-4f)
                .setBatchSize(16).setStudentNoise("shard").setDistillationWeight(1f).setEmaDecay(0.99f)
                .setHeadChannels(32).setDiscriminatorSteps(2).addFeatureBlocks(1).addFeatureBlocks(3).setSamplerEta(0f).setSeed(9).build());
        assertThat(config.studentTimesteps()).containsExactly(1.0, 0.5);
        assertThat(config.studentTimestepWeights()).containsExactly(1.0, 1.0);   // uniform when only the set is given
        assertThat(config.renoiseMean()).isZero();
        assertThat(config.studentLearningRate()).isEqualTo(1e-4f);
        assertThat(config.batchSize()).isEqualTo(16);
        assertThat(config.studentNoise()).isEqualTo(LaddConfig.StudentNoise.SHARD);
        assertThat(config.samplerEta()).isZero();   // explicit 0 kept, not read as "unset"
        assertThat(config.featureBlocks()).containsExactly(1, 3);
        assertThat(config.headChannels()).isEqualTo(32);
        assertThat(config.discriminatorSteps()).isEqualTo(2);
        assertThat(config.emaDecay()).isEqualTo(0.99f, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(config.seed()).isEqualTo(9);
    }

    @Test
    void anInvalidValueIsRefusedNamingIt() {
        assertThatThrownBy(() -> DistillationConfigs.toLaddConfig(DistillationConfig.newBuilder()
                .addStudentTimesteps(1.5f).build())).hasMessageContaining("studentTimesteps must lie in (0, 1]");
        assertThatThrownBy(() -> DistillationConfigs.toLaddConfig(DistillationConfig.newBuilder()
                .setEmaDecay(1f).build())).hasMessageContaining("emaDecay");
        assertThatThrownBy(() -> DistillationConfigs.toLaddConfig(DistillationConfig.newBuilder()
                .addFeatureBlocks(2).addFeatureBlocks(1).build())).hasMessageContaining("featureBlocks");
        assertThatThrownBy(() -> DistillationConfigs.toLaddConfig(DistillationConfig.newBuilder()
                .setAdversarialLoss("wasserstein").build())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("adversarialLoss").hasMessageContaining("'wasserstein'");
        assertThatThrownBy(() -> DistillationConfigs.toLaddConfig(DistillationConfig.newBuilder()
                .setHeadLogits("pixel").build())).hasMessageContaining("headLogits");
        assertThatThrownBy(() -> DistillationConfigs.toLaddConfig(DistillationConfig.newBuilder()
                .setHeadNorm("batch").build())).hasMessageContaining("headNorm");
        assertThatThrownBy(() -> DistillationConfigs.toLaddConfig(DistillationConfig.newBuilder()
                .setDiscriminatorData("imagenet").build())).hasMessageContaining("discriminatorData");
        assertThatThrownBy(() -> DistillationConfigs.toLaddConfig(DistillationConfig.newBuilder()
                .setHeadNorm("group").setHeadChannels(12).build()))
                .hasMessageContaining("headNorm 'group' needs headChannels divisible by 8");
        assertThatThrownBy(() -> DistillationConfigs.toLaddConfig(DistillationConfig.newBuilder()
                .setAdversarialWeight(0f).build())).hasMessageContaining("adversarialWeight and distillationWeight are both 0");
        assertThatThrownBy(() -> DistillationConfigs.toLaddConfig(DistillationConfig.newBuilder()
                .setAdversarialRampIterations(-1).build())).hasMessageContaining("adversarialRampIterations");
    }
}
