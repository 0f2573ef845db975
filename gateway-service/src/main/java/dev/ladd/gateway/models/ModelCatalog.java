package dev.ladd.gateway.models;

import dev.ladd.gateway.Problems;
import dev.ladd.gateway.serving.Alias;
import org.springframework.stereotype.Service;

import java.util.List;

/**
 * The models of the OpenAI-compatible API are the serving aliases. An alias exists once it was promoted (through any
 * gateway replica: the state is in PostgreSQL) or inference-service reported serving it; aliases are never removed,
 * so a name that exists stays valid. Anything else — {@code dall-e-3}, a typo — is a 404 {@code model_not_found}.
 */
@Service
public class ModelCatalog {

    private final ModelRepository models;

    ModelCatalog(ModelRepository models) {
        this.models = models;
    }

    public List<ServedModel> list() {
        return models.list();
    }

    /** The alias, or a 404 {@code model_not_found}. */
    public ServedModel get(String alias) {
        if (!Alias.valid(alias)) {   // no alias has such a name: no need to ask PostgreSQL
            throw Problems.modelNotFound(alias);
        }
        return models.find(alias).orElseThrow(() -> Problems.modelNotFound(alias));
    }
}
