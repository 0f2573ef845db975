package dev.ladd.ml.ladd;

import dev.ladd.ml.nn.HeadNorm;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LaddConfigTest {

    @Test
    void thePapersDefaultsAreTheBuildersNamedDefaults() {
        LaddConfig paper = LaddConfig.paper();

        assertThat(paper).isEqualTo(new LaddConfig(List.of(1.0, 0.75, 0.5, 0.25), List.of(0.7, 0.1, 0.1, 0.1), 1.0, 1.0,
                List.of(), 64, 1e-5f, 1e-4f, 0.9f, 0.999f, 64, 1, 0, 0.01, 0, 0, LaddConfig.StudentNoise.FRESH, 1,
                1, 0, LaddConfig.AdversarialWeighting.FIXED, LaddConfig.AdversarialLoss.HINGE, false, LaddConfig.HeadLogits.IMAGE, HeadNorm.LAYER, false,
                LaddConfig.DiscriminatorData.SYNTHETIC, 0));
        assertThat(paper.headLearningRate()).isEqualTo(LaddConfig.Builder.DEFAULT_HEAD_LEARNING_RATE);
        assertThat(paper.renoiseMean()).isEqualTo(LaddConfig.Builder.DEFAULT_RENOISE_MEAN);
    }

    @Test
    void toBuilderChangesOnlyTheFieldsSet() {
        LaddConfig changed = LaddConfig.paper().toBuilder().batchSize(6).seed(3)
                .studentNoise(LaddConfig.StudentNoise.SHARD).build();

        assertThat(changed.toBuilder().build()).isEqualTo(changed);
        assertThat(changed.batchSize()).isEqualTo(6);
        assertThat(changed.seed()).isEqualTo(3);
        assertThat(changed.studentNoise()).isEqualTo(LaddConfig.StudentNoise.SHARD);
        assertThat(changed.toBuilder().batchSize(64).seed(0).studentNoise(LaddConfig.StudentNoise.FRESH).build())
                .isEqualTo(LaddConfig.paper());
    }

    @Test
    void buildValidatesNamingTheField() {
        assertThatThrownBy(() -> LaddConfig.builder().emaDecay(1).build()).hasMessageContaining("emaDecay");
        assertThatThrownBy(() -> LaddConfig.builder().studentNoise(null).build()).hasMessageContaining("studentNoise");
        assertThatThrownBy(() -> LaddConfig.StudentNoise.of("stale")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("studentNoise must be 'fresh' or 'shard'");
    }

    @Test
    void jsonKeepsTheStudentNoiseAsItsLowerCaseName() {
        JsonMapper json = JsonMapper.builder().build();
        LaddConfig shard = LaddConfig.builder().studentNoise(LaddConfig.StudentNoise.SHARD).build();

        String text = json.writeValueAsString(shard);

        assertThat(text).contains("\"studentNoise\":\"shard\"");
        assertThat(json.writeValueAsString(LaddConfig.paper())).contains("\"studentNoise\":\"fresh\"");
        assertThat(json.readValue(text, LaddConfig.class)).isEqualTo(shard);
    }

    @Test
    void theDiscriminatorSwitchesReadAndWriteAsTheirLowerCaseNames() {
        JsonMapper json = JsonMapper.builder().build();
        LaddConfig demo = LaddConfig.builder().adversarialLoss(LaddConfig.AdversarialLoss.SOFTPLUS)
                .headLogits(LaddConfig.HeadLogits.TOKEN).headNorm(HeadNorm.GROUP).sharedRenoise(true)
                .wrongPromptFakes(true).discriminatorData(LaddConfig.DiscriminatorData.REAL).adversarialWeight(0.5)
                .adversarialRampIterations(100).build();

        String text = json.writeValueAsString(demo);

        assertThat(text).contains("\"adversarialLoss\":\"softplus\"", "\"headLogits\":\"token\"",
                "\"headNorm\":\"group\"", "\"discriminatorData\":\"real\"", "\"sharedRenoise\":true");
        assertThat(json.readValue(text, LaddConfig.class)).isEqualTo(demo);
        assertThatThrownBy(() -> LaddConfig.AdversarialLoss.of("wasserstein"))
                .hasMessageContaining("adversarialLoss must be one of ['hinge', 'softplus'], got 'wasserstein'");
        assertThatThrownBy(() -> HeadNorm.of("batch")).hasMessageContaining("headNorm must be 'layer' or 'group'");
    }

    @Test
    void aStudentWithoutAnyLossAndGroupNormOnOddChannelsAreRefused() {
        assertThatThrownBy(() -> LaddConfig.builder().adversarialWeight(0).build())
                .hasMessageContaining("adversarialWeight and distillationWeight are both 0");
        assertThatThrownBy(() -> LaddConfig.builder().adversarialWeighting(LaddConfig.AdversarialWeighting.ADAPTIVE).build())
                .hasMessageContaining("adversarialWeighting 'adaptive' scales against the distillation term");
        assertThatThrownBy(() -> LaddConfig.builder().headNorm(HeadNorm.GROUP).headChannels(12).build())
                .hasMessageContaining("headNorm 'group' needs headChannels divisible by 8");
        assertThat(LaddConfig.builder().adversarialWeight(0).distillationWeight(1).build().adversarialWeight()).isZero();
    }

    @Test
    void theAdversarialWeightRampsInLinearly() {
        LaddConfig ramped = LaddConfig.builder().adversarialWeight(2).adversarialRampIterations(4).build();

        assertThat(ramped.adversarialWeightAt(0)).isEqualTo(0.5);
        assertThat(ramped.adversarialWeightAt(1)).isEqualTo(1.0);
        assertThat(ramped.adversarialWeightAt(3)).isEqualTo(2.0);
        assertThat(ramped.adversarialWeightAt(100)).isEqualTo(2.0);
        assertThat(LaddConfig.paper().adversarialWeightAt(0)).isEqualTo(1.0);
    }
}
