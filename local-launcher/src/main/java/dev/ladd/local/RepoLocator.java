package dev.ladd.local;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;

/** Finds the repository checkout: the folder above the launcher that holds {@code pom.xml} and {@code local-launcher/}. */
public final class RepoLocator {

    private RepoLocator() {
    }

    public static Path locate() {
        Path start = codeLocation();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("local-launcher"))) {
                return dir;
            }
        }
        return Path.of("").toAbsolutePath();
    }

    /** The launcher jar (or classes folder) this code was loaded from; the working directory when unknown. */
    static Path codeLocation() {
        try {
            CodeSource source = RepoLocator.class.getProtectionDomain().getCodeSource();
            if (source != null && source.getLocation() != null) {
                return Path.of(source.getLocation().toURI()).toAbsolutePath();
            }
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            // fall through
        }
        return Path.of("").toAbsolutePath();
    }
}
