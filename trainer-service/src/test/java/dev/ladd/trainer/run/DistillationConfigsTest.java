package dev.ladd.trainer.run;

import dev.ladd.events.v1.DistillationConfig;
import dev.ladd.ml.ladd.LaddConfig;
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
    }
}
