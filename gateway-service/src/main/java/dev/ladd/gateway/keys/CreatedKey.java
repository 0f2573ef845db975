package dev.ladd.gateway.keys;

/** The answer to creating a key: the only time the key itself is shown. */
public record CreatedKey(ApiKey apiKey, String key) {
}
