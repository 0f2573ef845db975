package dev.ladd.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The one-box gateway's admin API key: made once, kept in {@code <work dir>/gateway-admin-key} (owner-only), given
 * to gateway-service as its {@code ladd.gateway.admin-key} secret, used for the demo run and printed for the person.
 */
final class GatewayAdminKey {

    private GatewayAdminKey() {
    }

    static Path file(LocalPlatformOptions options) {
        return options.workDir().resolve("gateway-admin-key");
    }

    static synchronized String get(LocalPlatformOptions options) {
        Path file = file(options);
        try {
            if (Files.isRegularFile(file)) {
                String key = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (!key.isEmpty()) {
                    return key;
                }
            }
            byte[] bytes = new byte[32];
            new SecureRandom().nextBytes(bytes);
            String key = "ladd_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            Files.createDirectories(file.getParent());
            Files.writeString(file, key + "\n", StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the gateway admin key at " + file, e);
        }
    }
}
