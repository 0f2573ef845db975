package dev.ladd.local;

import java.net.http.HttpRequest;
import java.nio.file.Path;

/**
 * The one-box platform's service token: the secret gateway-service sends to the other services and they require
 * (platform-support's ServiceToken). Made once, kept in {@code <work dir>/service-token} (owner-only,
 * {@link SecretFile}) for commands that call a service directly, given to every service in its environment.
 */
final class ServiceTokenFile {

    static final String ENVIRONMENT_VARIABLE = "LADD_SERVICE_TOKEN";
    static final String HEADER = "X-Ladd-Service-Token";

    private ServiceTokenFile() {
    }

    static Path file(LocalPlatformOptions options) {
        return options.workDir().resolve("service-token");
    }

    static String get(LocalPlatformOptions options) {
        return SecretFile.readOrCreate(file(options), "", System.err);
    }

    /** A request to an internal service, as the gateway sends it. */
    static HttpRequest.Builder addTo(HttpRequest.Builder request, LocalPlatformOptions options) {
        return request.header(HEADER, get(options));
    }
}
