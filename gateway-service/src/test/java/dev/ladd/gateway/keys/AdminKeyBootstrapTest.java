package dev.ladd.gateway.keys;

import dev.ladd.gateway.GatewayProperties;
import dev.ladd.platform.security.InsecureSettingException;
import dev.ladd.platform.test.TestPostgres;
import dev.ladd.platform.test.TestServiceToken;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.DefaultApplicationArguments;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The bootstrap admin key ({@code ladd.gateway.admin-key}) over a real PostgreSQL with the gateway's own migrations:
 * registered once, refused when it is a sample or weak, and a new value revokes the keys of earlier ones — also the
 * keys an earlier version made on a first start and logged —, while keys made through the API stay.
 */
class AdminKeyBootstrapTest {

    private ApiKeyRepository keys;
    private JdbcTemplate jdbc;

    @BeforeEach
    void database() {
        DriverManagerDataSource dataSource = new DriverManagerDataSource(TestPostgres.newDatabase() + "&currentSchema=gateway",
                "postgres", "");
        Flyway.configure().dataSource(dataSource).schemas("gateway").defaultSchema("gateway")
                .locations("classpath:db/platform", "classpath:db/migration").load().migrate();
        jdbc = new JdbcTemplate(dataSource);
        keys = new ApiKeyRepository(jdbc);
    }

    private ApiKeyService start(String adminKey) {
        ApiKeyService service = new ApiKeyService(keys, new GatewayProperties(adminKey,
                new GatewayProperties.Keys(60, 600), null, null, null, null, 65536));
        service.run(new DefaultApplicationArguments());
        return service;
    }

    private boolean works(ApiKeyService service, String key) {
        return service.authenticate(key).isPresent();
    }

    @Test
    void theGivenKeyIsRegisteredOnceByItsHash() {
        String given = TestServiceToken.newToken();
        ApiKeyService service = start(given);
        start(given);   // a restart, or a second replica
        assertThat(keys.list()).singleElement().satisfies(k -> {
            assertThat(k.name()).isEqualTo("admin");
            assertThat(k.role()).isEqualTo("admin");
            assertThat(k.revoked()).isFalse();
        });
        assertThat(works(service, given)).isTrue();
        assertThat(jdbc.queryForObject("SELECT key_sha256 FROM api_key", String.class))
                .isEqualTo(ApiKeyService.sha256(given));
    }

    @Test
    void aNewValueRevokesTheKeysOfEarlierValuesAndAnOldValueUndoesNothing() {
        String first = TestServiceToken.newToken();
        ApiKeyService service = start(first);
        service.create(new CreateKeyRequest("product-api", "viewer", null), "admin");
        // a key an earlier version made on a first start without the secret (and logged), and a key made through the
        // API by a key whose name is what older versions wrote as the creator of a bootstrap key
        keys.insert("admin-logged", ApiKeyService.sha256(TestServiceToken.newToken()), Role.ADMIN, 600, "first-start");
        service.create(new CreateKeyRequest("ladd.gateway.admin-key", "admin", null), "admin");
        service.create(new CreateKeyRequest("made-by-a-key", "viewer", null), "ladd.gateway.admin-key");

        String second = TestServiceToken.newToken();
        service = start(second);
        assertThat(works(service, second)).isTrue();
        assertThat(works(service, first)).as("the earlier value").isFalse();
        assertThat(keys.find("admin").orElseThrow().revoked()).isTrue();
        assertThat(keys.find("admin-logged").orElseThrow().revoked()).isTrue();
        assertThat(keys.find("product-api").orElseThrow().revoked()).as("made through the API").isFalse();
        assertThat(keys.find("made-by-a-key").orElseThrow().revoked()).as("made through the API").isFalse();
        String secondName = "admin-" + ApiKeyService.sha256(second).substring(0, 8);
        assertThat(keys.find(secondName).orElseThrow().revoked()).isFalse();

        // a replica restarting with the old value during the rollout: the old key stays revoked, the new one works
        start(first);
        assertThat(works(service, first)).isFalse();
        assertThat(works(service, second)).isTrue();

        // one bootstrap key is active at any time
        assertThat(jdbc.queryForObject("SELECT count(*) FROM api_key WHERE NOT revoked AND created_by = ?", Integer.class,
                ApiKeyService.FROM_SECRET)).isEqualTo(1);
        String third = TestServiceToken.newToken();
        start(third);
        assertThat(keys.list().stream().filter(k -> !k.revoked()).map(ApiKey::name).toList())
                .containsExactlyInAnyOrder("product-api", "made-by-a-key", "ladd.gateway.admin-key",
                        "admin-" + ApiKeyService.sha256(third).substring(0, 8));
    }

    @Test
    void aMissingSampleOrWeakKeyStopsTheStartNamingTheSettingButNotTheValue() {
        for (String bad : List.of("", "change-me-to-a-long-random-admin-key-0123456789", "ladd_short",
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")) {
            assertThatThrownBy(() -> start(bad)).as(bad).isInstanceOf(InsecureSettingException.class)
                    .hasMessageStartingWith("ladd.gateway.admin-key (environment variable LADD_GATEWAY_ADMIN_KEY) is refused")
                    .satisfies(e -> {
                        if (!bad.isEmpty()) {
                            assertThat(e.getMessage()).doesNotContain(bad);
                        }
                    });
        }
        assertThat(keys.list()).isEmpty();
    }
}
