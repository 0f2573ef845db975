package dev.ladd.gateway.images;

import dev.ladd.gateway.support.FakeInference;
import dev.ladd.gateway.support.GatewayTestBase;
import dev.ladd.platform.test.ServiceIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /v1/images/generations} against a stand-in inference-service, over the real gateway: alias
 * {@code default} is promoted the way production does it (events, then the promotion API) before each test.
 */
@ServiceIntegrationTest
class ImagesApiTest extends GatewayTestBase {

    @BeforeEach
    void defaultIsAServingAlias() throws Exception {
        ensureAlias("default");
    }

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
        assertThat(response.headers().firstValue("X-Ladd-Checkpoint-Id")).hasValue("run-1-step-100");
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
        JsonNode url = assertOpenAiError(generate(ADMIN_KEY, "{\"prompt\":\"a bag\",\"response_format\":\"url\"}"), 400);
        assertThat(url.get("param").asString()).isEqualTo("response_format");
        assertThat(url.get("message").asString()).startsWith("invalid field 'response_format': ")
                .contains("only 'b64_json' is supported");

        for (String size : new String[]{"33x33", "64x32", "16x16", "2048x2048", "big", "0x0"}) {
            JsonNode bad = assertOpenAiError(generate(ADMIN_KEY, "{\"prompt\":\"a bag\",\"size\":\"" + size + "\"}"), 400);
            assertThat(bad.get("param").asString()).as(size).isEqualTo("size");
            assertThat(bad.get("message").asString()).as(size).startsWith("invalid field 'size': ");
        }
        assertThat(generate(ADMIN_KEY, "{\"prompt\":\"a bag\",\"size\":\"1024x1024\"}").statusCode()).isEqualTo(200);
    }

    @Test
    void inferencesRefusalsReachTheClientFaithfullyAndItsFailuresAreNever500() throws Exception {
        HttpResponse<String> busy = generate(ADMIN_KEY, "{\"prompt\":\"busy\"}");
        assertThat(assertOpenAiError(busy, 429).get("message").asString()).contains("queue full");
        assertThat(busy.headers().firstValue("Retry-After")).hasValue("7");

        // a known alias that inference cannot serve now: a 503, which clients may retry
        HttpResponse<String> down = generate(ADMIN_KEY, "{\"prompt\":\"down\"}");
        assertThat(assertOpenAiError(down, 503).get("message").asString()).contains("no model loaded");

        HttpResponse<String> boom = generate(ADMIN_KEY, "{\"prompt\":\"boom\"}");
        assertOpenAiError(boom, 502);
        assertThat(boom.body()).doesNotContain("NullPointerException");
    }

    @Test
    void anUnknownModelIsA404ModelNotFoundDecidedWithoutAskingInference() throws Exception {
        int before = FakeInference.imagesRequests();
        for (String model : new String[]{"dall-e-3", "defualt", "never-promoted"}) {
            JsonNode error = assertOpenAiError(generate(ADMIN_KEY,
                    "{\"prompt\":\"a bag\",\"model\":\"" + model + "\"}"), 404);
            assertThat(error.get("code").asString()).isEqualTo("model_not_found");
            assertThat(error.get("message").asString()).contains("'" + model + "'").contains("GET /v1/models");
        }
        assertThat(FakeInference.imagesRequests()).as("requests that reached inference").isEqualTo(before);

        // promoted through the API (on any replica: the state is in PostgreSQL), the same name is served at once
        String alias = "promoted-" + UUID.randomUUID().toString().substring(0, 8);
        assertOpenAiError(generate(ADMIN_KEY, "{\"prompt\":\"a bag\",\"model\":\"" + alias + "\"}"), 404);
        promoteNewCheckpoint(alias);
        HttpResponse<String> served = generate(ADMIN_KEY, "{\"prompt\":\"a bag\",\"model\":\"" + alias + "\"}");
        assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
        assertThat(JSON.readTree(FakeInference.lastImagesRequest()).get("alias").asString()).isEqualTo(alias);
    }
}
