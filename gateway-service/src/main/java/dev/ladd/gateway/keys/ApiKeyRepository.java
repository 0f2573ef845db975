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

    /** Revokes every active key created by one of {@code creators} except the one with {@code keepSha256}; their names. */
    public List<String> revokeCreatedByExcept(List<String> creators, String keepSha256) {
        return jdbc.queryForList("""
                UPDATE api_key SET revoked = true, revoked_at = now()
                WHERE created_by = ANY (?) AND key_sha256 <> ? AND NOT revoked RETURNING name""", String.class,
                creators.toArray(String[]::new), keepSha256);
    }

    public int revoke(String name) {
        return jdbc.update("UPDATE api_key SET revoked = true, revoked_at = now() WHERE name = ? AND NOT revoked", name);
    }

    /** One bootstrap at a time across gateway replicas (transaction-scoped). */
    public void lockBootstrap() {
        jdbc.queryForObject("SELECT pg_advisory_xact_lock(?)", Object.class, "ladd-gateway:key-bootstrap".hashCode());
    }
}
