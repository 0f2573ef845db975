package dev.ladd.gateway.images;

import dev.ladd.gateway.support.GatewayTestBase;
import dev.ladd.platform.test.ServiceIntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * OpenAI's official npm client ({@code openai}, pinned in src/test/node/package.json, installed by .ci/run with
 * {@code npm ci}), run by node with only its base URL and key set: it generates an image through the gateway, lists
 * and retrieves the models (the serving aliases), raises NotFoundError for an unknown model without retrying it, and
 * names a bad field in {@code err.param} and {@code err.message}. Skipped, saying why, where node or the installed
 * client is missing.
 */
@ServiceIntegrationTest
class OpenAiClientTest extends GatewayTestBase {

    private static final Path NODE_DIR = Path.of("src/test/node").toAbsolutePath();
    /** The gateway's own count of the images requests it answered with a 404 (Micrometer's server metric). */
    private static final String NOT_FOUND_IMAGES_REQUESTS =
            "/actuator/metrics/http.server.requests?tag=uri:/v1/images/generations&tag=status:404";

    @Test
    void theOfficialOpenAiClientGeneratesListsModelsAndReadsTheGatewaysErrors(@TempDir Path tmp) throws Exception {
        String node = findNode();
        assumeTrue(node != null, "node is not installed (.ci/run installs nodejs); the openai client check is skipped");
        assumeTrue(Files.isDirectory(NODE_DIR.resolve("node_modules/openai")),
                "the openai npm client is not installed: run 'npm ci' in gateway-service/src/test/node (.ci/run does)");
        String checkpoint = promoteNewCheckpoint("default");
        String key = createKey("viewer", 100);
        Path out = tmp.resolve("image.png");
        double notFoundBefore = notFoundImagesRequests();

        Process process = new ProcessBuilder(node, "generate.mjs", url("/v1"), key, out.toString())
                .directory(NODE_DIR.toFile()).redirectErrorStream(true).start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("node finished").isTrue();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.exitValue()).as(output).isZero();
        JsonNode result = JSON.readTree(output.lines().reduce((first, last) -> last).orElseThrow());

        assertThat(result.get("images").asInt()).isEqualTo(1);
        BufferedImage png = ImageIO.read(out.toFile());
        assertThat(png).as("a PNG ImageIO can decode").isNotNull();
        assertThat(png.getWidth()).isEqualTo(32);
        assertThat(png.getHeight()).isEqualTo(32);
        assertThat(result.get("wrongKey").get("class").asString()).isEqualTo("AuthenticationError");
        assertThat(result.get("wrongKey").get("code").asString()).isEqualTo("invalid_api_key");

        JsonNode listed = null;
        for (JsonNode model : result.get("models")) {
            if (model.get("id").asString().equals("default")) {
                listed = model;
            }
        }
        assertThat(listed).as("'default' in models.list(): " + result.get("models")).isNotNull();
        assertThat(listed.get("object").asString()).isEqualTo("model");
        assertThat(listed.get("checkpoint_id").asString()).isEqualTo(checkpoint);
        assertThat(result.get("retrieved").get("id").asString()).isEqualTo("default");
        assertThat(result.get("retrieved").get("checkpoint_id").asString()).isEqualTo(checkpoint);

        JsonNode unknown = result.get("unknownModel");
        assertThat(unknown.get("class").asString()).isEqualTo("NotFoundError");
        assertThat(unknown.get("status").asInt()).isEqualTo(404);
        assertThat(unknown.get("code").asString()).isEqualTo("model_not_found");
        assertThat(unknown.get("message").asString()).contains("dall-e-3");
        // the server metric is recorded as its filter finishes, a moment after the client has its answer
        await().atMost(Duration.ofSeconds(10)).until(() -> notFoundImagesRequests() - notFoundBefore >= 1);
        assertThat(notFoundImagesRequests() - notFoundBefore)
                .as("requests the gateway received for the unknown model: one, no retries").isEqualTo(1.0);

        JsonNode size = result.get("badSize");
        assertThat(size.get("class").asString()).isEqualTo("BadRequestError");
        assertThat(size.get("param").asString()).isEqualTo("size");
        assertThat(size.get("message").asString()).startsWith("400 invalid field 'size': must be square");
        JsonNode field = result.get("unknownField");
        assertThat(field.get("param").asString()).isEqualTo("quality");
        assertThat(field.get("message").asString()).isEqualTo("400 invalid field 'quality': unknown field");
    }

    private double notFoundImagesRequests() throws Exception {
        HttpResponse<String> metric = call("GET", NOT_FOUND_IMAGES_REQUESTS, ADMIN_KEY, null);   // the actuator: admins
        if (metric.statusCode() == 404) {
            return 0;   // no such request yet
        }
        assertThat(metric.statusCode()).as(metric.body()).isEqualTo(200);
        for (JsonNode measurement : JSON.readTree(metric.body()).get("measurements")) {
            if (measurement.get("statistic").asString().equals("COUNT")) {
                return measurement.get("value").asDouble();
            }
        }
        throw new AssertionError("no COUNT in " + metric.body());
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
