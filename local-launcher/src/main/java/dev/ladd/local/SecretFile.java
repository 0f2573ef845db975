package dev.ladd.local;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;

/**
 * A secret the launcher makes once per work folder and keeps in a file only its owner can read: created with mode
 * 0600 from the first byte (a temporary file made owner-only, written, then renamed into place: there is no moment at
 * which another user could read it), and an existing one that others can read is made owner-only again.
 */
final class SecretFile {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private SecretFile() {
    }

    /** The secret in {@code file}, or a new one ({@code prefix} + 32 random bytes, base64url) written there. */
    static synchronized String readOrCreate(Path file, String prefix, PrintStream warnings) {
        try {
            if (Files.isSymbolicLink(file)) {
                throw new StartupException(file + " is a symbolic link; a secret file must be a plain file: remove it");
            }
            if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                makeOwnerOnly(file, warnings);
                String secret = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (!secret.isEmpty()) {
                    return secret;
                }
            }
            byte[] bytes = new byte[32];
            new SecureRandom().nextBytes(bytes);
            String secret = prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            Files.createDirectories(file.getParent());
            Path temporary = createOwnerOnly(file);
            try {
                Files.writeString(temporary, secret + "\n", StandardCharsets.UTF_8);
                try {
                    Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temporary);
            }
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the secret file " + file, e);
        }
    }

    private static Path createOwnerOnly(Path file) throws IOException {
        try {
            return Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp",
                    PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (UnsupportedOperationException notPosix) {
            return Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
        }
    }

    private static void makeOwnerOnly(Path file, PrintStream warnings) throws IOException {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
            if (!OWNER_ONLY.containsAll(permissions)) {
                Files.setPosixFilePermissions(file, EnumSet.copyOf(OWNER_ONLY));
                warnings.println("WARNING: " + file + " could be read by other users ("
                        + PosixFilePermissions.toString(permissions) + "); it is owner-only (rw-------) now. If others"
                        + " could read it, treat the secret as known and make a new one: delete the file and restart.");
            }
        } catch (UnsupportedOperationException notPosix) {
            // no POSIX permissions to check on this file system
        }
    }
}
