package dev.ladd.ml.blob;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * {@link BlobStore} on a filesystem root that every service mounts (a shared volume; a ReadWriteMany
 * volume on Kubernetes). Layout: {@code <root>/sha256/ab/abcdef…} (two-letter fan-out). Writes go to a
 * temp file in {@code <root>/tmp} first and are renamed into place atomically, so a reader never sees a
 * half-written blob and a crash leaves at worst a stray temp file.
 */
public final class FileSystemBlobStore implements BlobStore {

    private static final int BUFFER = 1 << 16;

    private final Path root;
    private final Path tmp;

    public FileSystemBlobStore(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.tmp = this.root.resolve("tmp");
        Files.createDirectories(this.root.resolve("sha256"));
        Files.createDirectories(tmp);
    }

    public Path root() {
        return root;
    }

    @Override
    public BlobId put(byte[] content) throws IOException {
        return put(new java.io.ByteArrayInputStream(content));
    }

    @Override
    public BlobId put(InputStream content) throws IOException {
        Path temp = Files.createTempFile(tmp, "put-", ".part");
        try {
            MessageDigest digest = sha256();
            long size;
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), digest)) {
                size = content.transferTo(out);
            }
            BlobId id = new BlobId(HexFormat.of().formatHex(digest.digest()), size);
            Path target = pathOf(id);
            Files.createDirectories(target.getParent());
            // the same content again: keep the blob there, unless it was damaged on disk meanwhile, in which case
            // this put repairs it (otherwise a corrupt blob would stay corrupt for every later writer of that content)
            if (!Files.exists(target) || !intact(target, id)) {
                moveAtomically(temp, target);
            }
            return id;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Whether the file holds exactly the content {@code id} names (size, then sha256). */
    private boolean intact(Path file, BlobId id) throws IOException {
        if (Files.size(file) != id.sizeBytes()) {
            return false;
        }
        MessageDigest digest = sha256();
        try (InputStream in = new java.security.DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest()).equals(id.sha256());
    }

    @Override
    public byte[] get(BlobId id) throws IOException {
        Path path = existing(id);
        byte[] bytes = Files.readAllBytes(path);
        verify(id, bytes.length, sha256().digest(bytes), path);
        return bytes;
    }

    @Override
    public void copyTo(BlobId id, Path target) throws IOException {
        Path source = existing(id);
        Path absoluteTarget = target.toAbsolutePath();
        Files.createDirectories(absoluteTarget.getParent());
        Path temp = Files.createTempFile(absoluteTarget.getParent(), "copy-", ".part");
        try {
            MessageDigest digest = sha256();
            long size;
            try (InputStream in = Files.newInputStream(source);
                 OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), digest)) {
                size = in.transferTo(out);
            }
            verify(id, size, digest.digest(), source);
            moveAtomically(temp, absoluteTarget);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    @Override
    public boolean exists(BlobId id) {
        return Files.isRegularFile(pathOf(id));
    }

    private Path existing(BlobId id) throws BlobNotFoundException {
        Path path = pathOf(id);
        if (!Files.isRegularFile(path)) {
            throw new BlobNotFoundException(id);
        }
        return path;
    }

    private Path pathOf(BlobId id) {
        return root.resolve("sha256").resolve(id.sha256().substring(0, 2)).resolve(id.sha256());
    }

    private static void verify(BlobId id, long actualSize, byte[] actualDigest, Path path) throws BlobCorruptedException {
        String actual = HexFormat.of().formatHex(actualDigest);
        if (!actual.equals(id.sha256())) {
            throw new BlobCorruptedException("blob " + id.sha256() + " is corrupted: its bytes hash to " + actual
                    + " (" + path + "); refusing to use it");
        }
        if (actualSize != id.sizeBytes()) {
            throw new BlobCorruptedException("blob " + id.sha256() + " has " + actualSize + " bytes, the reference says "
                    + id.sizeBytes() + "; refusing to use it");
        }
    }

    private static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            // another writer stored the same content first: same bytes, nothing to do
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the blob store at " + from.getParent() + " cannot rename atomically into "
                    + to.getParent() + "; keep the temp folder on the same filesystem", e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
