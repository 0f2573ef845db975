package dev.ladd.ml.blob;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileSystemBlobStoreTest {

    @TempDir
    Path root;

    @Test
    void namesABlobByTheSha256OfItsBytes() throws Exception {
        BlobStore store = new FileSystemBlobStore(root);

        BlobId id = store.put("abc".getBytes(StandardCharsets.US_ASCII));

        // sha256("abc") from FIPS 180-2, appendix B.1
        assertThat(id.sha256()).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(id.sizeBytes()).isEqualTo(3);
        assertThat(store.get(id)).isEqualTo("abc".getBytes(StandardCharsets.US_ASCII));
        assertThat(store.exists(id)).isTrue();
    }

    @Test
    void storesTheSameBytesOnceAndLeavesNoTempFiles() throws Exception {
        FileSystemBlobStore store = new FileSystemBlobStore(root);

        BlobId first = store.put(new byte[]{1, 2, 3});
        BlobId second = store.put(new byte[]{1, 2, 3});

        assertThat(second).isEqualTo(first);
        try (Stream<Path> files = Files.walk(root)) {
            assertThat(files.filter(Files::isRegularFile)).hasSize(1);
        }
    }

    @Test
    void refusesABlobWhoseBytesChangedOnDisk() throws Exception {
        FileSystemBlobStore store = new FileSystemBlobStore(root);
        BlobId id = store.put(new byte[]{1, 2, 3, 4});
        Path stored = root.resolve("sha256").resolve(id.sha256().substring(0, 2)).resolve(id.sha256());
        Files.write(stored, new byte[]{1, 2, 3, 5});

        assertThatThrownBy(() -> store.get(id))
                .isInstanceOf(BlobCorruptedException.class)
                .hasMessageContaining(id.sha256())
                .hasMessageContaining("refusing");
        Path target = root.resolve("out/copy.bin");
        assertThatThrownBy(() -> store.copyTo(id, target)).isInstanceOf(BlobCorruptedException.class);
        assertThat(target).doesNotExist();
    }

    /** Found by the chaos suite: runs of one config write the same checkpoint; a damaged copy stayed damaged. */
    @Test
    void aBlobDamagedOnDiskIsRepairedWhenTheSameContentIsPutAgain() throws Exception {
        FileSystemBlobStore store = new FileSystemBlobStore(root);
        BlobId id = store.put(new byte[]{1, 2, 3, 4});
        Path stored = root.resolve("sha256").resolve(id.sha256().substring(0, 2)).resolve(id.sha256());
        Files.write(stored, new byte[]{1, 2, 3, 5});
        assertThatThrownBy(() -> store.get(id)).isInstanceOf(BlobCorruptedException.class);

        assertThat(store.put(new byte[]{1, 2, 3, 4})).isEqualTo(id);

        assertThat(store.get(id)).containsExactly(1, 2, 3, 4);
        try (Stream<Path> files = Files.walk(root)) {
            assertThat(files.filter(Files::isRegularFile)).hasSize(1);
        }
    }

    @Test
    void refusesAReferenceWithTheWrongSize() throws Exception {
        BlobStore store = new FileSystemBlobStore(root);
        BlobId id = store.put(new byte[]{9, 9});

        assertThatThrownBy(() -> store.get(new BlobId(id.sha256(), 3)))
                .isInstanceOf(BlobCorruptedException.class)
                .hasMessageContaining("2 bytes");
    }

    @Test
    void saysWhichBlobIsMissing() throws Exception {
        BlobStore store = new FileSystemBlobStore(root);
        BlobId missing = new BlobId("0".repeat(64), 1);

        assertThatThrownBy(() -> store.get(missing))
                .isInstanceOf(BlobNotFoundException.class)
                .hasMessageContaining("0".repeat(64));
    }

    @Test
    void copiesAVerifiedBlobToAFile() throws Exception {
        BlobStore store = new FileSystemBlobStore(root);
        BlobId id = store.put(new byte[]{7, 8, 9});
        Path target = root.resolve("out/ckpt.safetensors");

        store.copyTo(id, target);

        assertThat(Files.readAllBytes(target)).containsExactly(7, 8, 9);
    }

    @Test
    void refusesMalformedAddresses() {
        assertThatThrownBy(() -> new BlobId("../../etc/passwd", 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sha256");
    }
}
