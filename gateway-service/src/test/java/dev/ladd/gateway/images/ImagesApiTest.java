package dev.ladd.gateway.images;

import dev.ladd.gateway.support.FakeInference;
import dev.ladd.gateway.support.GatewayTestBase;
import dev.ladd.platform.test.ServiceIntegrationTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /v1/images/generations} against a stand-in inference-service, over the real gateway. */
@ServiceIntegrationTest
class ImagesApiTest extends GatewayTestBase {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private HttpResponse<String> generate(String key, String body) throws Exception {
        return call("POST", "/v1/images/generations", key, body);
    }

    @Test
    void anyKeyGeneratesPngsInOpenAisShapeAndTheRequestReachesInferenceAsItsApiWantsIt() throws Exception {
        String viewer = createKey("viewer", 100);
        long before = System.currentTimeMillis() / 1000;

        HttpResponse<String> response = generate(viewer, """
                {"prompt":"a photo of a sneaker","n":2,"size":"64x64","response_format":"b64_json","model":"default",
                 "steps":2,"seed":11}""");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("created").asLong()).isBetween(before, before + 60);
        assertThat(body.get("data")).hasSize(2);
        for (JsonNode image : body.get("data")) {
            BufferedImage png = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(image.get("b64_json").asString())));
            assertThat(png).isNotNull();
            assertThat(png.getWidth()).isEqualTo(64);
            assertThat(png.getHeight()).isEqualTo(64);
        }
        assertThat(response.headers().firstValue("X-Ladd-Checkpoint-Id")).hasValue("run-1/step-100");
        JsonNode forwarded = JSON.readTree(FakeInference.lastImagesRequest());
        assertThat(forwarded.get("alias").asString()).isEqualTo("default");
        assertThat(forwarded.get("prompt").asString()).isEqualTo("a photo of a sneaker");
        assertThat(forwarded.get("n").asInt()).isEqualTo(2);
        assertThat(forwarded.get("steps").asInt()).isEqualTo(2);
        assertThat(forwarded.get("seed").asLong()).isEqualTo(11);
        assertThat(forwarded.get("size").asInt()).isEqualTo(64);

        HttpResponse<String> defaults = generate(viewer, "{\"prompt\":\"a photo of a bag\"}");
        assertThat(defaults.statusCode()).as(defaults.body()).isEqualTo(200);
        JsonNode forwardedDefaults = JSON.readTree(FakeInference.lastImagesRequest());
        assertThat(forwardedDefaults.get("alias").asString()).isEqualTo("default");
        assertThat(forwardedDefaults.get("n").asInt()).isEqualTo(1);
        assertThat(forwardedDefaults.get("steps").asInt()).isEqualTo(4);
        assertThat(forwardedDefaults.get("size").asInt()).isEqualTo(32);
        assertThat(forwardedDefaults.get("seed").asLong()).isNotNegative();
    }

    @Test
    void urlResponsesAndBadSizesAreA400ThatSaysWhy() throws Exception {
        HttpResponse<String> url = generate(ADMIN_KEY, "{\"prompt\":\"a bag\",\"response_format\":\"url\"}");
        assertProblem(url, 400);
        assertThat(url.body()).contains("response_format").contains("only 'b64_json' is supported");

        for (String size : new String[]{"33x33", "64x32", "16x16", "2048x2048", "big", "0x0"}) {
            HttpResponse<String> bad = generate(ADMIN_KEY, "{\"prompt\":\"a bag\",\"size\":\"" + size + "\"}");
            assertProblem(bad, 400);
            assertThat(bad.body()).as(size).contains("\"field\":\"size\"");
        }
        assertThat(generate(ADMIN_KEY, "{\"prompt\":\"a bag\",\"size\":\"1024x1024\"}").statusCode()).isEqualTo(200);
    }

    @Test
    void inferencesRefusalsReachTheClientFaithfullyAndItsFailuresAreNever500() throws Exception {
        HttpResponse<String> busy = generate(ADMIN_KEY, "{\"prompt\":\"busy\"}");
        assertProblem(busy, 429);
        assertThat(busy.headers().firstValue("Retry-After")).hasValue("7");
        assertThat(busy.body()).contains("queue full");

        HttpResponse<String> down = generate(ADMIN_KEY, "{\"prompt\":\"down\"}");
        assertProblem(down, 503);
        assertThat(down.body()).contains("no model loaded");

        HttpResponse<String> boom = generate(ADMIN_KEY, "{\"prompt\":\"boom\"}");
        assertProblem(boom, 502);
        assertThat(boom.body()).doesNotContain("NullPointerException");
    }
}
