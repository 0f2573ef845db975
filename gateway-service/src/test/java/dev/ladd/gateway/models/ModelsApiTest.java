package dev.ladd.gateway.models;

import dev.ladd.events.Topics;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.ModelServing;
import dev.ladd.events.v1.ModelSwapFailed;
import dev.ladd.gateway.support.FakeInference;
import dev.ladd.gateway.support.GatewayTestBase;
import dev.ladd.platform.test.ServiceIntegrationTest;
import dev.ladd.platform.test.TestEvents;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /v1/models[/{model}]} over the real gateway: aliases promoted through the API (checkpoints arriving as
 * events) and inference-service's reports arriving on {@code ladd.serving.status}.
 */
@ServiceIntegrationTest
class ModelsApiTest extends GatewayTestBase {

    private static String newAlias() {
        return "m-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private JsonNode retrieve(String key, String alias) throws Exception {
        HttpResponse<String> response = call("GET", "/v1/models/" + alias, key, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private JsonNode listed(String key, String alias) throws Exception {
        HttpResponse<String> response = call("GET", "/v1/models", key, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode list = JSON.readTree(response.body());
        assertThat(list.get("object").asString()).isEqualTo("list");
        for (JsonNode model : list.get("data")) {
            if (model.get("id").asString().equals(alias)) {
                return model;
            }
        }
        throw new AssertionError(alias + " is not in " + response.body());
    }

    private void report(EventEnvelope.Builder payload, String alias) {
        kafka.send(Topics.SERVING_STATUS, alias, TestEvents.from("inference-service", alias, payload));
    }

    @Test
    void eachPromotedAliasIsListedWithTheCheckpointRunAndStepItServesAndItsState() throws Exception {
        String viewer = createKey("viewer", 1000);
        String alias = newAlias();
        long before = System.currentTimeMillis() / 1000;
        String first = promoteNewCheckpoint(alias);

        JsonNode model = listed(viewer, alias);
        assertThat(model.get("object").asString()).isEqualTo("model");
        assertThat(model.get("owned_by").asString()).isEqualTo("ladd");
        long created = model.get("created").asLong();
        assertThat(created).isBetween(before - 1, System.currentTimeMillis() / 1000 + 1);
        assertThat(model.get("checkpoint_id").asString()).isEqualTo(first);
        assertThat(model.get("run_id").asString()).isEqualTo(first.substring(0, first.lastIndexOf("-step-")));
        assertThat(model.get("step").asInt()).isEqualTo(100);
        assertThat(model.get("revision").asLong()).isEqualTo(1);
        assertThat(model.get("state").asString()).as("promoted, not yet reported by inference").isEqualTo("swapping");
        assertThat(model.get("served_checkpoint_id").isNull()).isTrue();
        assertThat(retrieve(viewer, alias)).isEqualTo(model);

        report(EventEnvelope.newBuilder().setModelServing(ModelServing.newBuilder().setAlias(alias)
                .setCheckpointId(first).setRevision(1).setReplica("inference-0")), alias);
        JsonNode serving = await().atMost(Duration.ofSeconds(60)).until(() -> retrieve(viewer, alias),
                m -> m.get("state").asString().equals("serving"));
        assertThat(serving.get("served_checkpoint_id").asString()).isEqualTo(first);
        assertThat(serving.get("state_reason").isNull()).isTrue();

        // a second promotion: swapping while inference still serves the first, then its swap fails
        String second = promoteNewCheckpoint(alias);
        JsonNode swapping = retrieve(viewer, alias);
        assertThat(swapping.get("checkpoint_id").asString()).isEqualTo(second);
        assertThat(swapping.get("revision").asLong()).isEqualTo(2);
        assertThat(swapping.get("state").asString()).isEqualTo("swapping");
        assertThat(swapping.get("served_checkpoint_id").asString()).isEqualTo(first);

        report(EventEnvelope.newBuilder().setModelSwapFailed(ModelSwapFailed.newBuilder().setAlias(alias)
                .setCheckpointId(second).setRevision(2).setReplica("inference-0")
                .setReason("smoke generation produced NaN").setStillServingCheckpointId(first)), alias);
        JsonNode failed = await().atMost(Duration.ofSeconds(60)).until(() -> retrieve(viewer, alias),
                m -> m.get("state").asString().equals("swap-failed"));
        assertThat(failed.get("state_reason").asString()).contains("smoke generation produced NaN");
        assertThat(failed.get("served_checkpoint_id").asString()).isEqualTo(first);
        assertThat(failed.get("checkpoint_id").asString()).isEqualTo(second);
        assertThat(failed.get("created").asLong()).as("the alias's first promotion").isEqualTo(created);
    }

    /** Two replicas, one of which failed its swap: GET /api/v1/serving/replicas shows which serves what it should. */
    @Test
    void eachReplicasReportIsKeptAndSaysWhetherItServesWhatItShould() throws Exception {
        String alias = newAlias();
        String first = promoteNewCheckpoint(alias);
        report(EventEnvelope.newBuilder().setModelServing(ModelServing.newBuilder().setAlias(alias)
                .setCheckpointId(first).setRevision(1).setReplica("inference-0")), alias);
        report(EventEnvelope.newBuilder().setModelSwapFailed(ModelSwapFailed.newBuilder().setAlias(alias)
                .setCheckpointId(first).setRevision(1).setReplica("inference-1")
                .setReason("blob could not be read").setStillServingCheckpointId("")), alias);

        JsonNode replicas = await().atMost(Duration.ofSeconds(60)).until(() -> replicas(alias), r -> r.size() == 2);
        assertThat(replicas.get(0).get("replica").asString()).isEqualTo("inference-0");
        assertThat(replicas.get(0).get("status").asString()).isEqualTo("serving");
        assertThat(replicas.get(0).get("checkpointId").asString()).isEqualTo(first);
        assertThat(replicas.get(0).get("desiredRevision").asLong()).isEqualTo(1);
        assertThat(replicas.get(0).get("current").asBoolean()).isTrue();
        assertThat(replicas.get(1).get("replica").asString()).isEqualTo("inference-1");
        assertThat(replicas.get(1).get("status").asString()).isEqualTo("swap-failed");
        assertThat(replicas.get(1).get("reason").asString()).contains("blob could not be read");
        assertThat(replicas.get(1).get("current").asBoolean()).isFalse();

        // its retry succeeds: both current
        report(EventEnvelope.newBuilder().setModelServing(ModelServing.newBuilder().setAlias(alias)
                .setCheckpointId(first).setRevision(1).setReplica("inference-1")), alias);
        await().atMost(Duration.ofSeconds(60)).until(() -> replicas(alias),
                r -> r.size() == 2 && r.get(0).get("current").asBoolean() && r.get(1).get("current").asBoolean());
    }

    private JsonNode replicas(String alias) throws Exception {
        HttpResponse<String> response = call("GET", "/api/v1/serving/replicas", ADMIN_KEY, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        tools.jackson.databind.node.ArrayNode mine = JSON.createArrayNode();
        JSON.readTree(response.body()).forEach(r -> {
            if (r.get("alias").asString().equals(alias)) {
                mine.add(r);
            }
        });
        return mine;
    }

    @Test
    void anAliasInferenceReportsServingIsAModelEvenWithoutAPromotionHere() throws Exception {
        String alias = newAlias();
        report(EventEnvelope.newBuilder().setModelServing(ModelServing.newBuilder().setAlias(alias)
                .setCheckpointId("elsewhere-step-7").setRevision(4).setReplica("inference-0")), alias);

        HttpResponse<String> found = await().atMost(Duration.ofSeconds(60)).until(() -> call("GET",
                "/v1/models/" + alias, ADMIN_KEY, null), r -> r.statusCode() == 200);
        JsonNode model = JSON.readTree(found.body());
        assertThat(model.get("state").asString()).isEqualTo("serving");
        assertThat(model.get("checkpoint_id").asString()).isEqualTo("elsewhere-step-7");
        assertThat(model.get("served_checkpoint_id").asString()).isEqualTo("elsewhere-step-7");
        assertThat(model.get("revision").asLong()).isEqualTo(4);
        assertThat(model.get("run_id").isNull()).as("a checkpoint the gateway never learnt").isTrue();

        HttpResponse<String> image = call("POST", "/v1/images/generations", ADMIN_KEY,
                "{\"prompt\":\"a bag\",\"model\":\"" + alias + "\"}");
        assertThat(image.statusCode()).as(image.body()).isEqualTo(200);
        assertThat(JSON.readTree(FakeInference.lastImagesRequest()).get("alias").asString()).isEqualTo(alias);
    }

    @Test
    void anUnknownModelIsA404ModelNotFoundAndTheListNeedsAnyValidKey() throws Exception {
        String viewer = createKey("viewer", 1000);
        for (String model : new String[]{"dall-e-3", "gpt-image-1", "x".repeat(65), "a b"}) {
            JsonNode error = assertOpenAiError(call("GET", "/v1/models/" + model.replace(" ", "%20"), viewer, null), 404);
            assertThat(error.get("code").asString()).isEqualTo("model_not_found");
            assertThat(error.get("message").asString()).contains(model);
        }

        JsonNode none = assertOpenAiError(call("GET", "/v1/models", null, null), 401);
        assertThat(none.get("message").asString()).contains("needs an API key");
        assertThat(assertOpenAiError(call("GET", "/v1/models", "ladd_wrong", null), 401).get("code").asString())
                .isEqualTo("invalid_api_key");
        HttpResponse<String> post = call("POST", "/v1/models", viewer, "{}");
        assertOpenAiError(post, 405);
        assertThat(post.headers().firstValue("Allow")).hasValueSatisfying(allow -> assertThat(allow).contains("GET"));
    }
}
