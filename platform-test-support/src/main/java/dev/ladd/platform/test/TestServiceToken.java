package dev.ladd.platform.test;

import dev.ladd.platform.security.ServiceToken;

import java.net.http.HttpRequest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The service token of every service started in this test JVM ({@link EmbeddedPlatformInitializer},
 * {@link ContainersPlatform}): random per JVM, so no test depends on a committed secret. A test calling a service's
 * API directly, as the gateway would, adds it with {@link #add}.
 */
public final class TestServiceToken {

    public static final String VALUE = newToken();

    private TestServiceToken() {
    }

    /** The request with the service token header, as the gateway sends it. */
    public static HttpRequest.Builder add(HttpRequest.Builder request) {
        return request.header(ServiceToken.HEADER, VALUE);
    }

    /** A fresh random token that passes the start-up check (32 random bytes, base64url: 43 characters). */
    public static String newToken() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
