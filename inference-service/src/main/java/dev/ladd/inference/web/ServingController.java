package dev.ladd.inference.web;

import dev.ladd.inference.model.ServedModel;
import dev.ladd.inference.model.ServingModels;
import dev.ladd.inference.serving.DesiredModel;
import dev.ladd.inference.serving.ModelSwapper;
import dev.ladd.inference.serving.ServingDesiredService;
import dev.ladd.inference.serving.SwapFailure;
import dev.ladd.platform.web.NotFoundException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code GET /api/v1/serving[/{alias}]}: per alias, the model this replica serves (in memory), the one desired
 * (serving-desired, PostgreSQL) and the last failed swap, if the last attempt failed.
 */
@RestController
@RequestMapping("/api/v1/serving")
class ServingController {

    /** What an alias serves on this replica. */
    record AliasView(String alias, String replica, Served serving, Desired desired, SwapFailure lastFailure) {
    }

    record Served(String checkpointId, long revision, Instant since) {
    }

    record Desired(String checkpointId, long revision, Instant updatedAt) {
    }

    private final ServingDesiredService desired;
    private final ServingModels models;
    private final ModelSwapper swapper;

    ServingController(ServingDesiredService desired, ServingModels models, ModelSwapper swapper) {
        this.desired = desired;
        this.models = models;
        this.swapper = swapper;
    }

    @GetMapping
    List<AliasView> list() {
        Map<String, AliasView> views = new TreeMap<>();
        for (DesiredModel d : desired.list()) {
            views.put(d.alias(), view(d.alias(), Optional.of(d)));
        }
        for (ServedModel m : models.all()) {
            views.computeIfAbsent(m.alias(), a -> view(a, Optional.empty()));
        }
        return List.copyOf(views.values());
    }

    @GetMapping("/{alias}")
    AliasView get(@PathVariable String alias) {
        Optional<DesiredModel> d = desired.find(alias);
        if (d.isEmpty() && models.current(alias).isEmpty()) {
            throw new NotFoundException("no model is desired or served for alias '" + alias + "'");
        }
        return view(alias, d);
    }

    private AliasView view(String alias, Optional<DesiredModel> d) {
        return new AliasView(alias, swapper.replicaId(),
                models.current(alias).map(m -> new Served(m.checkpointId(), m.revision(), m.loadedAt())).orElse(null),
                d.map(x -> new Desired(x.checkpointId(), x.revision(), x.updatedAt())).orElse(null),
                swapper.lastFailure(alias).orElse(null));
    }
}
