package dev.ladd.ml.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reader of the IDX files that (Fashion-)MNIST ships in: a big-endian header (magic number, then one
 * 32-bit size per dimension) followed by unsigned bytes. Gzip'd files are recognised by their content,
 * not their name. Every inconsistency is a {@link DatasetFormatException} naming the file.
 */
public final class Idx {

    /** Magic number of a 3-dimensional unsigned-byte file: images [count, height, width]. */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of a 1-dimensional unsigned-byte file: labels [count]. */
    public static final int LABELS_MAGIC = 0x00000801;

    private static final int BUFFER = 1 << 16;
    private static final int GZIP_MAGIC = 0x1f8b;

    private Idx() {
    }

    /** Images of an IDX3 file, pixels row-major [count, height, width], 0 = background, 255 = ink. */
    public record Images(int count, int height, int width, byte[] pixels) {
    }

    public static Images readImages(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int magic = readHeaderInt(in, file, "magic number");
            if (magic != IMAGES_MAGIC) {
                throw new DatasetFormatException(file + " is not an IDX image file: magic number "
                        + hex(magic) + ", expected " + hex(IMAGES_MAGIC) + " (unsigned bytes, 3 dimensions)");
            }
            int count = readHeaderInt(in, file, "image count");
            int height = readHeaderInt(in, file, "image height");
            int width = readHeaderInt(in, file, "image width");
            if (count < 0 || height <= 0 || width <= 0) {
                throw new DatasetFormatException(file + " has impossible dimensions " + count + "x" + height + "x" + width);
            }
            long size = (long) count * height * width;
            if (size > Integer.MAX_VALUE - 8) {
                throw new DatasetFormatException(file + " is too large to load: " + count + "x" + height + "x" + width);
            }
            byte[] pixels = readBody(in, file, (int) size, count + " images of " + height + "x" + width);
            return new Images(count, height, width, pixels);
        }
    }

    /** Labels of an IDX1 file, as ints 0–255. */
    public static int[] readLabels(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int magic = readHeaderInt(in, file, "magic number");
            if (magic != LABELS_MAGIC) {
                throw new DatasetFormatException(file + " is not an IDX label file: magic number "
                        + hex(magic) + ", expected " + hex(LABELS_MAGIC) + " (unsigned bytes, 1 dimension)");
            }
            int count = readHeaderInt(in, file, "label count");
            if (count < 0) {
                throw new DatasetFormatException(file + " has a negative label count " + count);
            }
            byte[] bytes = readBody(in, file, count, count + " labels");
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = Byte.toUnsignedInt(bytes[i]);
            }
            return labels;
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER);
        try {
            raw.mark(2);
            int first = raw.read();
            int second = raw.read();
            raw.reset();
            boolean gzip = first >= 0 && second >= 0 && ((first << 8) | second) == GZIP_MAGIC;
            InputStream content = gzip ? new BufferedInputStream(new GZIPInputStream(raw, BUFFER), BUFFER) : raw;
            return new DataInputStream(content);
        } catch (IOException e) {
            raw.close();
            throw new DatasetFormatException(file + " cannot be read as (gzip'd) IDX: " + e.getMessage(), e);
        }
    }

    private static int readHeaderInt(DataInputStream in, Path file, String what) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException | ZipException e) {
            throw new DatasetFormatException(file + " is truncated: it ends inside the header (" + what + ")", e);
        }
    }

    private static byte[] readBody(DataInputStream in, Path file, int size, String what) throws IOException {
        byte[] body = new byte[size];
        int read;
        boolean trailingBytes;
        try {
            read = in.readNBytes(body, 0, size);
            trailingBytes = read == size && in.read() != -1;
        } catch (EOFException | ZipException e) {
            throw new DatasetFormatException(file + " is truncated or corrupt: the header announces " + what
                    + " but the compressed data breaks off (" + e.getMessage() + ")", e);
        }
        if (read < size) {
            throw new DatasetFormatException(file + " is truncated: the header announces " + what
                    + " (" + size + " bytes) but only " + read + " bytes follow");
        }
        if (trailingBytes) {
            throw new DatasetFormatException(file + " has bytes after the " + what + " its header announces");
        }
        return body;
    }

    private static String hex(int value) {
        return String.format("0x%08X", value);
    }
}
