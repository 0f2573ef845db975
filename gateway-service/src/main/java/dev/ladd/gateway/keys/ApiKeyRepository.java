package dev.ladd.gateway.keys;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;

/** The api_key table: keys by name, found by the SHA-256 of the key. */
@Repository
public class ApiKeyRepository {

    private static final RowMapper<ApiKey> KEY = (rs, i) -> {
        Timestamp revokedAt = rs.getTimestamp("revoked_at");
        return new ApiKey(rs.getString("name"), rs.getString("role"), rs.getInt("rate_limit_per_minute"),
                rs.getTimestamp("created_at").toInstant(), rs.getString("created_by"), rs.getBoolean("revoked"),
                revokedAt == null ? null : revokedAt.toInstant());
    };

    private final JdbcTemplate jdbc;

    public ApiKeyRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** @return false when the name is taken */
    public boolean insert(String name, String keySha256, Role role, int rateLimitPerMinute, String createdBy) {
        return jdbc.update("""
                INSERT INTO api_key (name, key_sha256, role, rate_limit_per_minute, created_by) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING""", name, keySha256, role.label(), rateLimitPerMinute, createdBy) == 1;
    }

    public Optional<ApiKey> findActiveByHash(String keySha256) {
        return jdbc.query("SELECT * FROM api_key WHERE key_sha256 = ? AND NOT revoked", KEY, keySha256).stream().findFirst();
    }

    public Optional<ApiKey> findByHash(String keySha256) {
        return jdbc.query("SELECT * FROM api_key WHERE key_sha256 = ?", KEY, keySha256).stream().findFirst();
    }

    public Optional<ApiKey> find(String name) {
        return jdbc.query("SELECT * FROM api_key WHERE name = ?", KEY, name).stream().findFirst();
    }

    public List<ApiKey> list() {
        return jdbc.query("SELECT * FROM api_key ORDER BY created_at, name", KEY);
    }

    /**
     * Revokes every active bootstrap key but the one with {@code keepSha256}; returns their names. Bootstrap keys are
     * those created by {@code bootstrapCreator}, and those older versions made — from the secret
     * ({@code ladd.gateway.admin-key}) or on a first start without it ({@code first-start}, logged) — unless a key of
     * that name exists, i.e. unless an API key of that name made them.
     */
    public List<String> revokeBootstrapKeysExcept(String bootstrapCreator, String keepSha256) {
        return jdbc.queryForList("""
                UPDATE api_key k SET revoked = true, revoked_at = now()
                WHERE NOT k.revoked AND k.key_sha256 <> ?
                  AND (k.created_by = ? OR (k.created_by IN ('ladd.gateway.admin-key', 'first-start')
                       AND NOT EXISTS (SELECT 1 FROM api_key creator WHERE creator.name = k.created_by)))
                RETURNING k.name""", String.class, keepSha256, bootstrapCreator);
    }

    public int revoke(String name) {
        return jdbc.update("UPDATE api_key SET revoked = true, revoked_at = now() WHERE name = ? AND NOT revoked", name);
    }

    /** One bootstrap at a time across gateway replicas (transaction-scoped). */
    public void lockBootstrap() {
        jdbc.queryForObject("SELECT pg_advisory_xact_lock(?)", Object.class, "ladd-gateway:key-bootstrap".hashCode());
    }
}
