package dev.ladd.ml.ladd;

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
                List.of(), 64, 1e-5f, 1e-4f, 0.9f, 0.999f, 64, 1, 0, 0.01, 0, 0, LaddConfig.StudentNoise.FRESH, 1, 0));
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
}
