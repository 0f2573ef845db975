package dev.ladd.teacher.registry;

import dev.ladd.teacher.TeacherProperties;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Where {@code POST /api/v1/teachers/import} may read model folders: only inside {@code ladd.teacher.imports.root}
 * (unset: imports over the API are off), judged on real paths — a folder or file that is, or passes through, a
 * symbolic link leading out of the root is refused —, and at most {@code ladd.teacher.imports.max-bytes} in all,
 * read without following a link swapped in after the check.
 */
@Component
public class ImportRoot {

    private final Path root;
    private final long maxBytes;

    public ImportRoot(TeacherProperties properties) {
        TeacherProperties.Imports imports = properties.imports();
        this.maxBytes = imports.maxBytes().toBytes();
        if (imports.root() == null) {
            this.root = null;
            return;
        }
        try {
            this.root = imports.root().toRealPath();
        } catch (IOException e) {
            throw new IllegalStateException("ladd.teacher.imports.root=" + imports.root() + " does not exist or cannot be"
                    + " read: " + e.getMessage(), e);
        }
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("ladd.teacher.imports.root=" + imports.root() + " is not a folder");
        }
    }

    /**
     * The files of {@code folder} (absolute, or relative to the root).
     *
     * @throws ImportRefusedException when imports are off, when it is not a readable model folder inside the root
     *                                (the message is about field {@code folder}), when its files are too large together
     */
    public ModelFolder read(String folder) {
        if (root == null) {
            throw new ImportRefusedException(ImportRefusedException.Reason.IMPORTS_OFF,
                    "importing model folders from the server's filesystem is off on this instance "
                            + "(ladd.teacher.imports.root is not set)");
        }
        Path real;
        try {
            real = root.resolve(folder).toRealPath();
        } catch (NoSuchFileException e) {
            throw badFolder("no such folder under the import root " + root);
        } catch (IOException | RuntimeException e) {
            throw badFolder("cannot be read: " + e.getMessage());
        }
        if (!real.startsWith(root)) {
            throw badFolder("must be inside the import root " + root + " (symbolic links are followed before this check)");
        }
        if (!Files.isDirectory(real)) {
            throw badFolder("is not a folder");
        }
        boolean autoencoder = Files.exists(real.resolve(ModelFolder.AUTOENCODER_MANIFEST), LinkOption.NOFOLLOW_LINKS);
        List<String> names = autoencoder
                ? List.of(ModelFolder.TEACHER_MANIFEST, ModelFolder.TEACHER_WEIGHTS, ModelFolder.AUTOENCODER_MANIFEST,
                ModelFolder.AUTOENCODER_WEIGHTS)
                : List.of(ModelFolder.TEACHER_MANIFEST, ModelFolder.TEACHER_WEIGHTS);
        long total = 0;
        for (String name : names) {
            total += size(real.resolve(name), name);
        }
        if (total > maxBytes) {
            throw tooLarge(total + " bytes");
        }
        byte[][] files = new byte[names.size()][];
        long budget = maxBytes;
        for (int i = 0; i < names.size(); i++) {
            files[i] = readAtMost(real.resolve(names.get(i)), names.get(i), budget);
            budget -= files[i].length;
        }
        return new ModelFolder(files[0], files[1], autoencoder ? files[2] : null, autoencoder ? files[3] : null);
    }

    /** The size of a regular file that is no link (the folder's own real path holds no link). */
    private long size(Path file, String name) {
        if (Files.isSymbolicLink(file)) {
            throw badFolder("its " + name + " is a symbolic link; the import reads only plain files inside the root");
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw badFolder("has no " + name);
        }
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw badFolder("its " + name + " cannot be read: " + e.getMessage());
        }
    }

    /** Reads a file without following a link, refusing it once it grows past the budget. */
    private byte[] readAtMost(Path file, String name, long budget) {
        try (InputStream in = Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, budget + 1));
            if (bytes.length > budget) {
                throw tooLarge("more than " + maxBytes + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw badFolder("its " + name + " cannot be read: " + e.getMessage());
        }
    }

    private ImportRefusedException tooLarge(String size) {
        return new ImportRefusedException(ImportRefusedException.Reason.TOO_LARGE, "the model folder's files have " + size
                + " together; an import takes at most " + maxBytes + " bytes (ladd.teacher.imports.max-bytes)");
    }

    private static ImportRefusedException badFolder(String message) {
        return new ImportRefusedException(ImportRefusedException.Reason.BAD_FOLDER, message);
    }
}
