package dev.ladd.deploy;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/** The objects of a rendered chart (a multi-document YAML), with the look-ups the tests need. */
record Manifests(List<Map<String, Object>> objects) {

    static Manifests parse(String yaml) {
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object document : new Yaml(new LoaderOptions()).loadAll(yaml)) {
            if (document instanceof Map<?, ?> map) {
                objects.add(cast(map));
            }
        }
        return new Manifests(objects);
    }

    List<Map<String, Object>> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.get("kind"))).collect(Collectors.toList());
    }

    Map<String, Object> named(String kind, String name) {
        return ofKind(kind).stream().filter(o -> name.equals(name(o))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + names(kind)));
    }

    List<String> names(String kind) {
        return ofKind(kind).stream().map(Manifests::name).collect(Collectors.toList());
    }

    static String name(Map<String, Object> object) {
        return (String) map(object, "metadata").get("name");
    }

    static String component(Map<String, Object> object) {
        Map<String, Object> labels = map(map(object, "metadata"), "labels");
        return labels == null ? null : (String) labels.get("app.kubernetes.io/component");
    }

    /** The value at a dotted path of maps, or null. */
    @SuppressWarnings("unchecked")
    static <T> T at(Map<String, Object> object, String path) {
        Object current = object;
        for (String key : path.split("\\.")) {
            if (!(current instanceof Map<?, ?> m)) {
                return null;
            }
            current = m.get(key);
        }
        return (T) current;
    }

    static Map<String, Object> map(Map<String, Object> object, String key) {
        Object value = Objects.requireNonNull(object, "object").get(key);
        return value == null ? null : cast((Map<?, ?>) value);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Map<String, Object> object, String path) {
        List<Map<String, Object>> value = at(object, path);
        return value == null ? List.of() : value;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }
}
