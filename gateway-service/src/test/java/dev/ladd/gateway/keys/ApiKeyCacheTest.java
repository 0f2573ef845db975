package dev.ladd.gateway.keys;

import dev.ladd.gateway.GatewayProperties;
import dev.ladd.platform.test.TestPostgres;
import dev.ladd.platform.test.TestServiceToken;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.DefaultApplicationArguments;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The key lookups the gateway keeps in memory, over a real PostgreSQL with the gateway's migrations: one query per
 * key per second at most, a revocation through this replica at once, one through another replica (here: the table)
 * within {@link ApiKeyService#KEY_CACHE_TTL}, and nothing kept for secrets that are not active keys.
 */
class ApiKeyCacheTest {

    private final AtomicInteger lookups = new AtomicInteger();
    private final AtomicLong now = new AtomicLong();
    private JdbcTemplate jdbc;
    private ApiKeyService service;

    @BeforeEach
    void database() {
        DriverManagerDataSource dataSource = new DriverManagerDataSource(TestPostgres.newDatabase() + "&currentSchema=gateway",
                "postgres", "");
        Flyway.configure().dataSource(dataSource).schemas("gateway").defaultSchema("gateway")
                .locations("classpath:db/platform", "classpath:db/migration").load().migrate();
        jdbc = new JdbcTemplate(dataSource);
        ApiKeyRepository counting = new ApiKeyRepository(jdbc) {
            @Override
            public Optional<ApiKey> findActiveByHash(String keySha256) {
                lookups.incrementAndGet();
                return super.findActiveByHash(keySha256);
            }
        };
        service = new ApiKeyService(counting, new GatewayProperties(TestServiceToken.newToken(),
                new GatewayProperties.Keys(60, 600), null, null, null, null, 65536), now::get);
        service.run(new DefaultApplicationArguments());
    }

    @Test
    void anActiveKeyIsLookedUpOncePerSecondAndARevocationHereBitesAtOnce() {
        String secret = service.create(new CreateKeyRequest("product-api", "viewer", null), "admin").key();

        for (int i = 0; i < 100; i++) {
            assertThat(service.authenticate(secret)).isPresent();
        }
        assertThat(lookups).hasValue(1);
        now.addAndGet(ApiKeyService.KEY_CACHE_TTL.toNanos());
        assertThat(service.authenticate(secret)).isPresent();
        assertThat(lookups).as("looked up again after a second").hasValue(2);

        service.revoke("product-api", "admin");
        assertThat(service.authenticate(secret)).as("revoked through this replica").isEmpty();
    }

    @Test
    void aRevocationThroughAnotherReplicaBitesWithinTheCachesLifetime() {
        String secret = service.create(new CreateKeyRequest("product-api", "viewer", null), "admin").key();
        assertThat(service.authenticate(secret)).isPresent();

        jdbc.update("UPDATE api_key SET revoked = true, revoked_at = now() WHERE name = 'product-api'");   // another replica
        now.addAndGet(ApiKeyService.KEY_CACHE_TTL.toNanos() - 1);
        assertThat(service.authenticate(secret)).as("still within the second").isPresent();
        now.addAndGet(1);
        assertThat(service.authenticate(secret)).as("after it").isEmpty();
    }

    @Test
    void unknownSecretsAreAlwaysLookedUpAndNeverKept() {
        for (int i = 0; i < 5; i++) {
            assertThat(service.authenticate("ladd_not-a-key-" + i)).isEmpty();
            assertThat(service.authenticate("ladd_not-a-key-" + i)).isEmpty();
        }
        assertThat(lookups).hasValue(10);
    }
}
