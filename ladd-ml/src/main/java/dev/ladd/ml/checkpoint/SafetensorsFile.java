package dev.ladd.ml.checkpoint;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The content of a safetensors file: tensors by name, in the order of the file's header (or the order
 * they were given), and the string→string {@code __metadata__}. Both maps are unmodifiable.
 */
public record SafetensorsFile(Map<String, SafetensorsTensor> tensors, Map<String, String> metadata) {

    public SafetensorsFile {
        Objects.requireNonNull(tensors, "tensors");
        tensors.forEach((name, tensor) -> {
            if (!name.equals(tensor.name())) {
                throw new IllegalArgumentException("tensor '" + tensor.name() + "' is filed under the name '" + name + "'");
            }
        });
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        metadata.forEach((key, value) -> Objects.requireNonNull(value, () -> "metadata '" + key + "' is null"));
    }

    /** Tensors keyed by their names, refusing two with the same name. */
    public static SafetensorsFile of(Collection<SafetensorsTensor> tensors, Map<String, String> metadata) {
        Map<String, SafetensorsTensor> byName = new LinkedHashMap<>();
        for (SafetensorsTensor tensor : tensors) {
            if (byName.putIfAbsent(tensor.name(), tensor) != null) {
                throw new IllegalArgumentException("two tensors are named '" + tensor.name() + "'");
            }
        }
        return new SafetensorsFile(byName, metadata);
    }

    /** The tensor of that name, or an {@link IllegalArgumentException} listing the names there are. */
    public SafetensorsTensor tensor(String name) {
        SafetensorsTensor tensor = tensors.get(name);
        if (tensor == null) {
            throw new IllegalArgumentException("no tensor '" + name + "'; the file has " + tensors.keySet());
        }
        return tensor;
    }
}
