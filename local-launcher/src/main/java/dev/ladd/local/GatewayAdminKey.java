package dev.ladd.local;

import java.nio.file.Path;

/**
 * The one-box gateway's admin API key: made once, kept in {@code <work dir>/gateway-admin-key} (owner-only,
 * {@link SecretFile}), given to gateway-service in its environment ({@code LADD_GATEWAY_ADMIN_KEY}, never on the
 * command line, which {@code ps} shows to every user), used for the demo run. The summary names the file, not the key.
 */
final class GatewayAdminKey {

    static final String ENVIRONMENT_VARIABLE = "LADD_GATEWAY_ADMIN_KEY";

    private GatewayAdminKey() {
    }

    static Path file(LocalPlatformOptions options) {
        return options.workDir().resolve("gateway-admin-key");
    }

    static String get(LocalPlatformOptions options) {
        return SecretFile.readOrCreate(file(options), "ladd_", System.err);
    }
}
