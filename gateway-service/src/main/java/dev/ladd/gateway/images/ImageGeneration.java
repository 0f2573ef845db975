package dev.ladd.gateway.images;

import dev.ladd.gateway.models.ModelCatalog;
import org.springframework.stereotype.Service;

/**
 * An images request: its model must be a serving alias the gateway knows (else a 404 {@code model_not_found}, decided
 * from PostgreSQL without asking inference-service), then inference-service generates. A known alias that inference
 * cannot serve at the moment (nothing loaded yet, inference down) is inference's 503, which clients may retry.
 */
@Service
class ImageGeneration {

    private final ModelCatalog models;
    private final InferenceClient inference;

    ImageGeneration(ModelCatalog models, InferenceClient inference) {
        this.models = models;
        this.inference = inference;
    }

    InferenceResult generate(String alias, String prompt, int n, int steps, long seed, int size) {
        models.get(alias);
        return inference.generate(alias, prompt, n, steps, seed, size);
    }
}
