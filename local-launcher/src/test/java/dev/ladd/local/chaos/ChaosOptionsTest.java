package dev.ladd.local.chaos;

import dev.ladd.local.OptionsException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChaosOptionsTest {

    private static final Path REPO = Path.of("/repo");

    @Test
    void defaultsRunEveryScenarioOnPortsOfTheirOwn() throws Exception {
        ChaosOptions options = ChaosOptions.parse(REPO);

        assertThat(options.scenarios()).first().isEqualTo("baseline");
        assertThat(options.scenarios()).containsExactlyElementsOf(Scenarios.all().keySet()).contains("kill-teacher",
                "kill-trainer", "kill-eval", "kill-inference", "kill-gateway", "trainer-scale-out", "kafka-down",
                "postgres-down", "corrupt-for-eval", "corrupt-for-inference", "poison");
        assertThat(options.workDir()).isEqualTo(Path.of("/repo/.work-chaos"));
        assertThat(options.basePort()).isEqualTo(18180);
        assertThat(options.inferenceReplicas()).isEqualTo(2);
        assertThat(options.trainerReplicas()).isEqualTo(2);
        assertThat(options.runConfig()).contains("\"iterations\":30", "\"checkpointInterval\":10", "\"seed\":11");
    }

    @Test
    void chosenScenariosRunAfterTheBaselineInCatalogueOrder() throws Exception {
        ChaosOptions options = ChaosOptions.parse(REPO, "--scenarios=poison,kill-trainer", "--iterations=4",
                "--checkpoint-interval=2", "--rate=0.5");

        assertThat(options.scenarios()).containsExactly("baseline", "kill-trainer", "poison");
        assertThat(options.iterations()).isEqualTo(4);
        assertThat(options.ratePerSecond()).isEqualTo(0.5);
    }

    @Test
    void badOptionsAreRefusedNamingTheProblem() {
        assertThatThrownBy(() -> ChaosOptions.parse(REPO, "--scenarios=kill-everything"))
                .isInstanceOf(OptionsException.class).hasMessageContaining("unknown scenario 'kill-everything'; known: baseline");
        assertThatThrownBy(() -> ChaosOptions.parse(REPO, "--iterations=30", "--checkpoint-interval=7"))
                .isInstanceOf(OptionsException.class).hasMessageContaining("must be a multiple of --checkpoint-interval=7");
        assertThatThrownBy(() -> ChaosOptions.parse(REPO, "--rate=0"))
                .isInstanceOf(OptionsException.class).hasMessageContaining("--rate must be more than 0");
        assertThatThrownBy(() -> ChaosOptions.parse(REPO, "--inference-replicas=9"))
                .isInstanceOf(OptionsException.class).hasMessageContaining("out of range: 1 to 8");
        assertThatThrownBy(() -> ChaosOptions.parse(REPO, "--kill=all"))
                .isInstanceOf(OptionsException.class).hasMessageContaining("unknown chaos option --kill");
    }

    @Test
    void everyPoisonedTopicIsReadBySomeConsumerGroup() {
        assertThat(Probes.INPUTS.values().stream().flatMap(java.util.List::stream).distinct())
                .containsExactlyInAnyOrderElementsOf(Scenarios.POISON.keySet());
    }
}
