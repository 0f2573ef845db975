package dev.ladd.teacher.registry;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import java.util.Map;

/** The JSON text columns (config, metrics) of the teacher and autoencoder tables, written and read back as objects. */
final class JsonColumns {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private JsonColumns() {
    }

    static String write(Object value) {
        return JSON.writeValueAsString(value);
    }

    /** A JSON object column as a map; null stays null (rows from before the column existed). */
    static Map<String, Object> config(String json) {
        return json == null ? null : JSON.readValue(json, new TypeReference<Map<String, Object>>() { });
    }

    static Map<String, Double> metrics(String json) {
        return json == null ? null : JSON.readValue(json, new TypeReference<Map<String, Double>>() { });
    }
}
