package dev.ladd.gateway.cli;

import dev.ladd.gateway.support.FakeInference;
import dev.ladd.tools.gateway.LatencyBench;
import dev.ladd.gateway.support.GatewayTestBase;
import dev.ladd.platform.cli.CommandLineOptions;
import dev.ladd.platform.test.ServiceIntegrationTest;
import dev.ladd.platform.test.TestServiceToken;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** ladd-tools' bench-latency command runs end to end against a real gateway (against the stand-in inference; the numbers here mean nothing). */
@ServiceIntegrationTest
class LatencyBenchTest extends GatewayTestBase {

    @Test
    void itTimesBothPathsAndPrintsTheirPercentilesAndTheDifference() throws Exception {
        ensureAlias("default");   // the bench's --alias default: known to the gateway even when this test runs alone
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LatencyBench.bench(CommandLineOptions.parse(new String[]{"bench-latency", "--inference=" + FakeInference.baseUrl(),
                "--gateway=" + url(""), "--requests=5", "--warmup=1"}),
                Map.of("LADD_API_KEY", createKey("viewer", 1000), "LADD_SERVICE_TOKEN", TestServiceToken.VALUE),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("requests 5").contains("inference directly").contains("through the gateway")
                .contains("added by the gateway");
        assertThat(LatencyBench.ms(new long[]{1_000_000, 2_000_000, 3_000_000, 4_000_000}, 0.5)).isEqualTo(2.0);
        assertThat(LatencyBench.ms(new long[]{1_000_000, 2_000_000, 3_000_000, 4_000_000}, 0.99)).isEqualTo(4.0);
        assertThat(LatencyBench.run(new String[]{"bench-latency", "--requests=5"})).as("LADD_API_KEY is required")
                .isEqualTo(2);
        assertThat(LatencyBench.run(new String[]{"bench-latency", "--key=ladd_x"})).as("no key on a command line")
                .isEqualTo(2);
    }
}
