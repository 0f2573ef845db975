package dev.ladd.inference.serving;

import dev.ladd.platform.test.TestServiceToken;
import dev.ladd.events.Topics;
import dev.ladd.inference.TinyServingModels;
import dev.ladd.ml.blob.BlobId;
import dev.ladd.ml.blob.BlobStore;
import dev.ladd.platform.test.EventContract;
import dev.ladd.platform.test.ServiceIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Explicitly about the committed files (docs/adr/014): the default student in models/default-student, decoded by the
 * committed teacher's autoencoder, passes inference-service's checks (hashes, latent space, warm-up, smoke
 * generation) when a ServingDesired names their blobs, as the gateway's first promotion on a fresh platform does, and
 * answers the README's first request with a 32×32 PNG, the same bytes for the same seed.
 */
@ServiceIntegrationTest
class CommittedDefaultStudentTest extends EventContract {

    static final Path MODELS = Path.of("..", "models");
    static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    BlobStore blobs;
    @LocalServerPort
    int port;

    @Test
    void theCommittedDefaultStudentIsServedAndAnswersTheReadmesFirstRequest() throws Exception {
        Path student = MODELS.resolve("default-student");
        Path teacher = MODELS.resolve("default");
        TinyServingModels.Servable committed = new TinyServingModels.Servable("default-student-step-2000",
                put(student.resolve("student.safetensors")), put(student.resolve("student.json")),
                put(teacher.resolve("autoencoder.safetensors")), put(teacher.resolve("autoencoder.json")));
        kafka.send(Topics.SERVING_DESIRED, "default", committed.desired("default", 1));

        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(120)).until(() -> http.send(TestServiceToken.add(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/api/v1/serving/default"))).build(),
                HttpResponse.BodyHandlers.ofString()).body().contains("\"serving\":{\"checkpointId\":\"default-student-step-2000\""));

        byte[] first = image(http);
        assertThat(image(http)).as("the same prompt and seed give the same PNG").isEqualTo(first);
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(first));
        assertThat(png.getWidth()).isEqualTo(32);
        assertThat(png.getHeight()).isEqualTo(32);
    }

    private byte[] image(HttpClient http) throws Exception {
        HttpResponse<String> response = http.send(TestServiceToken.add(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/images")))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"alias\":\"default\",\"prompt\":\"a photo of an ankle boot\",\"n\":1,\"seed\":7}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("checkpointId").asString()).isEqualTo("default-student-step-2000");
        return Base64.getDecoder().decode(body.get("images").get(0).get("pngBase64").asString());
    }

    private BlobId put(Path file) throws Exception {
        return blobs.put(Files.readAllBytes(file));
    }
}
