package dev.ladd.gateway.images;

import dev.ladd.gateway.support.GatewayTestBase;
import dev.ladd.platform.test.ServiceIntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * OpenAI's official npm client ({@code openai}, pinned in src/test/node/package.json, installed by .ci/run with
 * {@code npm ci}), run by node, generates an image through the gateway with only its base URL and key set.
 * Skipped, saying why, where node or the installed client is missing.
 */
@ServiceIntegrationTest
class OpenAiClientTest extends GatewayTestBase {

    private static final Path NODE_DIR = Path.of("src/test/node").toAbsolutePath();

    @Test
    void theOfficialOpenAiClientGeneratesAPngThroughTheGateway(@TempDir Path tmp) throws Exception {
        String node = findNode();
        assumeTrue(node != null, "node is not installed (.ci/run installs nodejs); the openai client check is skipped");
        assumeTrue(Files.isDirectory(NODE_DIR.resolve("node_modules/openai")),
                "the openai npm client is not installed: run 'npm ci' in gateway-service/src/test/node (.ci/run does)");
        String key = createKey("viewer", 100);
        Path out = tmp.resolve("image.png");

        Process process = new ProcessBuilder(node, "generate.mjs", url("/v1"), key, out.toString())
                .directory(NODE_DIR.toFile()).redirectErrorStream(true).start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("node finished").isTrue();
        String output = new String(process.getInputStream().readAllBytes());

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("\"images\":1").contains("\"wrongKeyStatus\":401");
        BufferedImage png = ImageIO.read(out.toFile());
        assertThat(png).as("a PNG ImageIO can decode").isNotNull();
        assertThat(png.getWidth()).isEqualTo(32);
        assertThat(png.getHeight()).isEqualTo(32);
    }

    private static String findNode() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, "node");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
