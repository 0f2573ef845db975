package dev.ladd.gateway.keys;

import dev.ladd.gateway.GatewayProperties;
import dev.ladd.gateway.Problems;
import dev.ladd.platform.web.NotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * API keys: 32 random bytes (URL-safe base64, prefixed {@code ladd_}), stored only as their SHA-256. On start it
 * makes sure an admin can get in: the key given as {@code ladd.gateway.admin-key} is registered as key
 * {@code admin}; without one, when no active admin key exists, one is created and logged once.
 */
@Service
public class ApiKeyService implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(ApiKeyService.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    public static final String BOOTSTRAP_NAME = "admin";

    private final ApiKeyRepository keys;
    private final GatewayProperties properties;

    public ApiKeyService(ApiKeyRepository keys, GatewayProperties properties) {
        this.keys = keys;
        this.properties = properties;
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

    /** The active key with this secret, if any. */
    public Optional<ApiKey> authenticate(String secret) {
        return keys.findActiveByHash(sha256(secret));
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
            log.info("key '{}' revoked by {}", name, actor);
        }
        return keys.find(name).orElseThrow();
    }

    @Override
    @Transactional
    public void run(ApplicationArguments args) {
        keys.lockBootstrap();
        String given = properties.adminKey();
        if (given != null && !given.isBlank()) {
            String hash = sha256(given);
            Optional<ApiKey> existing = keys.findByHash(hash);
            if (existing.isPresent()) {
                if (existing.get().revoked()) {
                    log.warn("the admin key given as ladd.gateway.admin-key was revoked; it stays revoked");
                }
                return;
            }
            String name = keys.find(BOOTSTRAP_NAME).isEmpty() ? BOOTSTRAP_NAME : BOOTSTRAP_NAME + "-" + hash.substring(0, 8);
            keys.insert(name, hash, Role.ADMIN, properties.keys().adminRateLimitPerMinute(), "ladd.gateway.admin-key");
            log.info("registered the admin key given as ladd.gateway.admin-key as key '{}'", name);
            return;
        }
        if (keys.activeAdminExists()) {
            return;
        }
        String secret = newSecret();
        String name = keys.find(BOOTSTRAP_NAME).isEmpty() ? BOOTSTRAP_NAME
                : BOOTSTRAP_NAME + "-" + sha256(secret).substring(0, 8);
        keys.insert(name, sha256(secret), Role.ADMIN, properties.keys().adminRateLimitPerMinute(), "first-start");
        // printed once: only its hash is stored, so it cannot be shown again
        log.warn("""
                
                ==== No admin API key existed: created admin key '{}' (shown only now, store it as a secret) ====
                {}
                ==== Send it as 'Authorization: Bearer <key>'; create other keys with POST /api/v1/keys ====""",
                name, secret);
    }
}
