package dev.ladd.gateway.keys;

import dev.ladd.gateway.GatewayProperties;
import dev.ladd.gateway.Problems;
import dev.ladd.platform.security.InsecureSettingException;
import dev.ladd.platform.web.NotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * API keys: 32 random bytes (URL-safe base64, prefixed {@code ladd_}), stored only as their SHA-256. The bootstrap
 * admin key is given as the secret {@code ladd.gateway.admin-key} (required; refused at start when it is a sample
 * value or weak, and never logged): registered on start as key {@code admin}, and when the secret changes, the new
 * value is registered and every key registered from an earlier value is revoked (a rotation).
 *
 * <p>An active key, once looked up, is kept in memory for {@link #KEY_CACHE_TTL} (issue 18: a PostgreSQL query per
 * request was the largest part of the gateway's added latency): a revocation through this replica takes effect at
 * once, one through another replica (or the database) within that second. Unknown or revoked secrets are never kept,
 * and at most {@link #KEY_CACHE_SIZE} keys are, so random secrets cannot grow the cache.
 */
@Service
public class ApiKeyService implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(ApiKeyService.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    public static final String BOOTSTRAP_NAME = "admin";
    /**
     * {@code created_by} of a key registered from {@code ladd.gateway.admin-key}: with a ':', which no key name has, so
     * that no key made through the API can pass for one.
     */
    static final String FROM_SECRET = "config:ladd.gateway.admin-key";

    /** How long an active key's lookup is reused: the longest a revocation through another replica takes to bite. */
    static final Duration KEY_CACHE_TTL = Duration.ofSeconds(1);
    static final int KEY_CACHE_SIZE = 10_000;

    private final ApiKeyRepository keys;
    private final GatewayProperties properties;
    private final String adminKey;
    private final LongSupplier nanoTime;
    private final Map<String, CachedKey> activeKeys = new ConcurrentHashMap<>();

    /** An active key by its hash, reusable until {@code expiresAt} ({@link System#nanoTime()} scale). */
    private record CachedKey(ApiKey key, long expiresAt) {
    }

    @Autowired
    public ApiKeyService(ApiKeyRepository keys, GatewayProperties properties) {
        this(keys, properties, System::nanoTime);
    }

    ApiKeyService(ApiKeyRepository keys, GatewayProperties properties, LongSupplier nanoTime) {
        this.keys = keys;
        this.properties = properties;
        this.nanoTime = nanoTime;
        this.adminKey = InsecureSettingException.require("ladd.gateway.admin-key", "LADD_GATEWAY_ADMIN_KEY",
                properties.adminKey());
    }

    public static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "ladd_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String sha256(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The active key with this secret, if any (an active one from memory for up to {@link #KEY_CACHE_TTL}). */
    public Optional<ApiKey> authenticate(String secret) {
        String hash = sha256(secret);
        long now = nanoTime.getAsLong();
        CachedKey cached = activeKeys.get(hash);
        if (cached != null && now - cached.expiresAt() < 0) {
            return Optional.of(cached.key());
        }
        Optional<ApiKey> key = keys.findActiveByHash(hash);
        if (key.isPresent()) {
            if (activeKeys.size() >= KEY_CACHE_SIZE) {
                activeKeys.clear();
            }
            activeKeys.put(hash, new CachedKey(key.get(), now + KEY_CACHE_TTL.toNanos()));
        } else {
            activeKeys.remove(hash);
        }
        return key;
    }

    @Transactional
    public CreatedKey create(CreateKeyRequest request, String actor) {
        Role role = Role.fromLabel(request.role()).orElseThrow(() -> new IllegalArgumentException("unknown role"));
        int limit = request.rateLimitPerMinute() != null ? request.rateLimitPerMinute()
                : properties.keys().defaultRateLimitPerMinute();
        String secret = newSecret();
        if (!keys.insert(request.name(), sha256(secret), role, limit, actor)) {
            throw Problems.conflict("a key named '" + request.name() + "' exists already (names stay taken after revoking)");
        }
        log.info("key '{}' ({}, {} requests/min) created by {}", request.name(), role.label(), limit, actor);
        return new CreatedKey(keys.find(request.name()).orElseThrow(), secret);
    }

    public List<ApiKey> list() {
        return keys.list();
    }

    @Transactional
    public ApiKey revoke(String name, String actor) {
        ApiKey key = keys.find(name).orElseThrow(() -> new NotFoundException("no key named '" + name + "'"));
        if (!key.revoked()) {
            keys.revoke(name);
            activeKeys.values().removeIf(cached -> cached.key().name().equals(name));
            log.info("key '{}' revoked by {}", name, actor);
        }
        return keys.find(name).orElseThrow();
    }

    /**
     * Registers the given admin key unless it is known; while it is active, revokes every other key registered from
     * the secret (an earlier value: a rotation) or made on a first start and logged. A given key that was revoked
     * through the API stays revoked and revokes nothing: a replica restarting with the old value during a rotation
     * must not undo it.
     */
    @Override
    @Transactional
    public void run(ApplicationArguments args) {
        keys.lockBootstrap();
        String hash = sha256(adminKey);
        Optional<ApiKey> existing = keys.findByHash(hash);
        if (existing.isPresent() && existing.get().revoked()) {
            log.warn("the admin key given as ladd.gateway.admin-key (key '{}') was revoked; it stays revoked. Set a new "
                    + "value to get an admin key", existing.get().name());
            return;
        }
        if (existing.isEmpty()) {
            String name = keys.find(BOOTSTRAP_NAME).isEmpty() ? BOOTSTRAP_NAME : BOOTSTRAP_NAME + "-" + hash.substring(0, 8);
            keys.insert(name, hash, Role.ADMIN, properties.keys().adminRateLimitPerMinute(), FROM_SECRET);
            log.info("registered the admin key given as ladd.gateway.admin-key as key '{}'", name);
        }
        List<String> revoked = keys.revokeBootstrapKeysExcept(FROM_SECRET, hash);
        activeKeys.clear();
        if (!revoked.isEmpty()) {
            log.warn("ladd.gateway.admin-key has a new value: revoked the key(s) registered from earlier values: {}",
                    revoked);
        }
    }
}
