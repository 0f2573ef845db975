package dev.ladd.ml.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes IDX files byte by byte for the tests, independently of the reader under test. */
final class IdxTestFiles {

    private IdxTestFiles() {
    }

    static byte[] images(int magic, int count, int height, int width, byte[] pixels) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        out.writeInt(count);
        out.writeInt(height);
        out.writeInt(width);
        out.write(pixels);
        return bytes.toByteArray();
    }

    static byte[] labels(int magic, int... labels) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        out.writeInt(labels.length);
        for (int label : labels) {
            out.writeByte(label);
        }
        return bytes.toByteArray();
    }

    static Path write(Path file, byte[] content, boolean gzip) throws IOException {
        Files.createDirectories(file.getParent());
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            out.write(content);
        }
        return file;
    }

    static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(content);
        }
        return bytes.toByteArray();
    }

    /** Pixel k of the test images is k mod 256. */
    static byte[] rampPixels(int n) {
        byte[] pixels = new byte[n];
        for (int k = 0; k < n; k++) {
            pixels[k] = (byte) k;
        }
        return pixels;
    }

    /** A complete Fashion-MNIST-shaped folder: 28×28 images, labels 0–9, gzip'd or plain. */
    static void writeSplit(Path dir, String prefix, int count, boolean gzip) throws IOException {
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = i % 10;
        }
        String ext = gzip ? ".gz" : "";
        write(dir.resolve(prefix + "-images-idx3-ubyte" + ext),
                images(Idx.IMAGES_MAGIC, count, 28, 28, rampPixels(count * 28 * 28)), gzip);
        write(dir.resolve(prefix + "-labels-idx1-ubyte" + ext), labels(Idx.LABELS_MAGIC, labels), gzip);
    }
}
