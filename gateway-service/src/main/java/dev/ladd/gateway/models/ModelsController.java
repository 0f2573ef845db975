package dev.ladd.gateway.models;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/**
 * OpenAI's models API ({@code client.models.list()}, {@code client.models.retrieve()}): the serving aliases, each with
 * what it serves. Any key may read it.
 */
@RestController
@RequestMapping("/v1/models")
class ModelsController {

    /** OpenAI's list: {@code {"object": "list", "data": [...]}}. */
    record ModelList(String object, List<Model> data) {
    }

    /**
     * OpenAI's model object (id, object, created, owned_by) plus what the alias serves.
     *
     * @param created Unix seconds of the alias's first promotion
     */
    @Schema(name = "Model", description = "A serving alias: OpenAI's model object plus the checkpoint it serves")
    record Model(@Schema(description = "the serving alias, the 'model' of an images request") String id,
                 @Schema(description = "always 'model'") String object,
                 long created,
                 @JsonProperty("owned_by") String ownedBy,
                 @Schema(description = "the checkpoint the alias should serve (its newest promotion or rollback)")
                 @JsonProperty("checkpoint_id") String checkpointId,
                 @Schema(description = "the run of that checkpoint; null if the gateway has not learnt the checkpoint")
                 @JsonProperty("run_id") String runId,
                 @Schema(description = "that checkpoint's training step (LADD iteration)") Integer step,
                 @Schema(description = "the alias's revision that names that checkpoint") long revision,
                 @Schema(description = "serving | swapping (inference has not reported the newest revision yet) | swap-failed")
                 String state,
                 @Schema(description = "what inference-service reports serving for the alias; null before its first report")
                 @JsonProperty("served_checkpoint_id") String servedCheckpointId,
                 @Schema(description = "why the last swap failed, with state swap-failed")
                 @JsonProperty("state_reason") String stateReason) {

        static Model of(ServedModel m) {
            return new Model(m.alias(), "model", m.created().getEpochSecond(), "ladd", m.checkpointId(), m.runId(),
                    m.step(), m.revision(), m.state(), m.servedCheckpointId(), m.statusReason());
        }
    }

    private final ModelCatalog models;

    ModelsController(ModelCatalog models) {
        this.models = models;
    }

    @Operation(summary = "List the serving aliases (OpenAI models API shape; any role)", description = """
            Every alias promoted here or reported by inference-service, with the checkpoint, run and step it serves \
            and its state. Errors are OpenAI-shaped: {"error": {"message", "type", "param", "code"}}.""")
    @ApiResponse(responseCode = "200", description = "the aliases")
    @GetMapping
    ModelList list() {
        return new ModelList("list", models.list().stream().map(Model::of).toList());
    }

    @Operation(summary = "One serving alias (OpenAI models API shape; any role)",
            description = "404 with code model_not_found when no alias has that name.")
    @ApiResponse(responseCode = "200", description = "the alias")
    @ApiResponse(responseCode = "404", description = "no such alias: code model_not_found")
    @GetMapping("/{model}")
    Model get(@PathVariable String model) {
        return Model.of(models.get(model));
    }
}
