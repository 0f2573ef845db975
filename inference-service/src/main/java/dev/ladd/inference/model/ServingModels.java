package dev.ladd.inference.model;

import jakarta.annotation.PreDestroy;
import org.springframework.stereotype.Component;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The model each alias serves on this replica, in memory. A swap replaces the reference atomically; a batch
 * takes a reference on the model that is current when it starts ({@link #acquire}) and finishes on it even if
 * a swap happens meanwhile; the replaced model is freed after its last batch ({@link ServedModel#retire()}).
 */
@Component
public class ServingModels {

    private final ConcurrentMap<String, ServedModel> current = new ConcurrentHashMap<>();

    /** The current model of the alias with a reference taken for the caller (who must release it), if any. */
    public Optional<ServedModel> acquire(String alias) {
        while (true) {
            ServedModel model = current.get(alias);
            if (model == null) {
                return Optional.empty();
            }
            if (model.tryAcquire()) {
                return Optional.of(model);
            }
            // retired between the read and the acquire: the map already holds its successor; read again
        }
    }

    /** Makes {@code model} its alias's current model; the one it replaces is retired. Returns the replaced one. */
    public Optional<ServedModel> swapIn(ServedModel model) {
        ServedModel old = current.put(model.alias(), model);
        if (old != null) {
            old.retire();
        }
        return Optional.ofNullable(old);
    }

    public Optional<ServedModel> current(String alias) {
        return Optional.ofNullable(current.get(alias));
    }

    public Collection<ServedModel> all() {
        return List.copyOf(current.values());
    }

    /** At shutdown: retire every model (each is freed once its running batch, if any, ends). */
    @PreDestroy
    public void retireAll() {
        for (String alias : List.copyOf(current.keySet())) {
            ServedModel model = current.remove(alias);
            if (model != null) {
                model.retire();
            }
        }
    }
}
