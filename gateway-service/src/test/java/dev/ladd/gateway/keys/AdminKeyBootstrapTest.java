package dev.ladd.gateway.keys;

import dev.ladd.gateway.GatewayProperties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.DefaultApplicationArguments;

import java.time.Instant;
import java.util.Optional;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** The first admin key: given as a secret, or made once when no admin key exists (ApiKeyService alone). */
class AdminKeyBootstrapTest {

    private final ApiKeyRepository keys = mock(ApiKeyRepository.class);

    private ApiKeyService service(String adminKey) {
        return new ApiKeyService(keys, new GatewayProperties(null, adminKey, new GatewayProperties.Keys(60, 600),
                null, null, null, null));
    }

    @Test
    void aGivenKeyIsRegisteredByItsHashOnceAsKeyAdmin() {
        String given = "given-admin-key-0123456789abcdef";
        when(keys.findByHash(ApiKeyService.sha256(given))).thenReturn(Optional.empty());
        when(keys.find("admin")).thenReturn(Optional.empty());
        service(given).run(new DefaultApplicationArguments());
        verify(keys).insert("admin", ApiKeyService.sha256(given), Role.ADMIN, 600, "ladd.gateway.admin-key");

        when(keys.findByHash(ApiKeyService.sha256(given))).thenReturn(Optional.of(
                new ApiKey("admin", "admin", 600, Instant.now(), "ladd.gateway.admin-key", false, null)));
        service(given).run(new DefaultApplicationArguments());
        verify(keys).insert(anyString(), anyString(), any(), anyInt(), anyString());   // still the one insert
    }

    @Test
    void withoutAGivenKeyOneIsMadeOnlyWhenNoAdminKeyExists() {
        when(keys.activeAdminExists()).thenReturn(true);
        service("").run(new DefaultApplicationArguments());
        verify(keys, never()).insert(anyString(), anyString(), any(), anyInt(), anyString());

        when(keys.activeAdminExists()).thenReturn(false);
        when(keys.find("admin")).thenReturn(Optional.empty());
        service(null).run(new DefaultApplicationArguments());
        verify(keys).insert(eq("admin"), anyString(), eq(Role.ADMIN), eq(600), eq("first-start"));
    }
}
