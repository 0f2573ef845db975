package dev.ladd.platform.health;

import dev.ladd.ml.djl.NumericalBackendCheck;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class NumericalBackendHealthIndicatorTest {

    @Test
    void aBackendThatComputesWrongIsDownWithWhatIsWrongAndTheFix() {
        var broken = new NumericalBackendCheck.Result(false, null,
                List.of("conv 32→1 3×3 stride 1 on 2×8×8: input gradient off by 0.617 (allowed 0.00196)"), 310);

        Health health = new NumericalBackendHealthIndicator(() -> broken).health();

        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails().get("summary").toString())
                .contains("wrong", "input gradient off by 0.617", "ONEDNN_MAX_CPU_ISA=(unset)", "ONEDNN_MAX_CPU_ISA=AVX");
        assertThat(health.getDetails()).containsEntry("failures", broken.failures());
    }

    @Test
    void aBackendThatComputesRightIsUpAndNamesItsCap() {
        var right = new NumericalBackendCheck.Result(true, "AVX", List.of(), 280);

        Health health = new NumericalBackendHealthIndicator(() -> right).health();

        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("ONEDNN_MAX_CPU_ISA", "AVX");
        assertThat(health.getDetails().get("summary").toString()).contains("match the reference");
    }
}
