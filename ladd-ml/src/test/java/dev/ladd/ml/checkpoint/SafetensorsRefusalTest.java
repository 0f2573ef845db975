package dev.ladd.ml.checkpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static dev.ladd.ml.checkpoint.HandBuilt.file;
import static dev.ladd.ml.checkpoint.HandBuilt.floats;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every malformed file is refused with a {@link SafetensorsFormatException} that names the problem. */
class SafetensorsRefusalTest {

    private static final String TWO_FLOATS = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";

    private static void refused(byte[] bytes, String... fragments) {
        var thrown = assertThatThrownBy(() -> Safetensors.read(bytes)).isInstanceOf(SafetensorsFormatException.class);
        for (String fragment : fragments) {
            thrown.hasMessageContaining(fragment);
        }
    }

    private static byte[] withEntry(String entry, byte[] data) {
        return file("{\"t\":" + entry + "}", data);
    }

    @Test
    void shorterThanTheLengthPrefix() {
        refused(new byte[5], "truncated", "5 bytes", "8-byte header length");
    }

    @Test
    void shorterThanTheHeaderItAnnounces() {
        byte[] whole = file(TWO_FLOATS, floats(1f, 2f));
        byte[] cut = Arrays.copyOf(whole, 8 + 10);
        ByteBuffer.wrap(cut).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 12); // 12 ≤ file size, but 8 + 12 > 18

        refused(cut, "truncated", "header length says 12 bytes", "only 10 bytes follow");
    }

    @Test
    void shorterThanTheDataTheOffsetsPromise() {
        byte[] whole = file(TWO_FLOATS, floats(1f, 2f));

        refused(Arrays.copyOf(whole, whole.length - 3), "tensor 'a'", "[0, 8]", "truncated", "5 bytes");
    }

    @Test
    void absurdHeaderLengths() {
        byte[] biggerThanTheFile = file(TWO_FLOATS, floats(1f, 2f));
        ByteBuffer.wrap(biggerThanTheFile).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1_000_000);
        refused(biggerThanTheFile, "header length 1000000 is absurd");

        byte[] overTheLimit = new byte[16];
        ByteBuffer.wrap(overTheLimit).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 200_000_000L);
        refused(overTheLimit, "header length 200000000 is absurd", "limited to 100000000");

        byte[] negativeAsSigned = new byte[16];
        ByteBuffer.wrap(negativeAsSigned).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -1L);
        refused(negativeAsSigned, "header length 18446744073709551615 is absurd");
    }

    @Test
    void headerThatIsNotJson() {
        refused(file("{\"a\": {\"dtype\": ", new byte[0]), "header is not valid JSON");
        refused(file("{} trailing", new byte[0]), "header is not valid JSON");
        refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},\"a\":{}}", new byte[0]),
                "header is not valid JSON", "Duplicate");
    }

    @Test
    void headerThatIsNotAnObject() {
        refused(file("[1, 2]", new byte[0]), "header must be a JSON object", "ARRAY");
        refused(file("        ", new byte[0]), "header must be a JSON object");
    }

    @Test
    void entryWithoutDtypeShapeOrOffsets() {
        refused(withEntry("{\"shape\":[2],\"data_offsets\":[0,8]}", floats(1, 2)), "tensor 't' has no dtype");
        refused(withEntry("{\"dtype\":\"F32\",\"data_offsets\":[0,8]}", floats(1, 2)), "tensor 't' has no shape");
        refused(withEntry("{\"dtype\":\"F32\",\"shape\":[2]}", floats(1, 2)), "tensor 't' has no data_offsets");
        refused(withEntry("[1]", new byte[0]), "tensor 't' must be a JSON object");
        refused(withEntry("{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}", floats(1, 2)),
                "tensor 't' shape must be an array of integers");
        refused(withEntry("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}", floats(1, 2)),
                "tensor 't' data_offsets must be two non-negative integers");
    }

    @Test
    void unsupportedDtypes() {
        refused(withEntry("{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}", new byte[8]),
                "tensor 't' has dtype F64, which is unsupported", "F32, F16, BF16");
        refused(withEntry("{\"dtype\":\"I8\",\"shape\":[8],\"data_offsets\":[0,8]}", new byte[8]),
                "tensor 't' has dtype I8, which is unsupported");
    }

    @Test
    void offsetsOutsideTheDataSection() {
        refused(withEntry("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[100,108]}", floats(1, 2)),
                "tensor 't'", "[100, 108]", "outside the data section", "8 bytes");
        refused(withEntry("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-8,0]}", floats(1, 2)),
                "tensor 't' data_offsets must be two non-negative integers");
    }

    @Test
    void beginAfterEnd() {
        refused(withEntry("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}", floats(1, 2)),
                "tensor 't'", "[8, 0]", "begin > end");
    }

    @Test
    void byteLengthThatDoesNotMatchTheShape() {
        refused(withEntry("{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,8]}", floats(1, 2)),
                "tensor 't' has 8 bytes", "shape [2] of F16 needs 4 bytes", "byte length mismatch");
    }

    @Test
    void negativeDimensions() {
        refused(withEntry("{\"dtype\":\"F32\",\"shape\":[2,-1],\"data_offsets\":[0,8]}", floats(1, 2)),
                "tensor 't' has a negative dimension -1 in shape [2, -1]");
    }

    @Test
    void overlappingTensors() {
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";

        refused(file(header, floats(1, 2)), "tensors 'a' and 'b' overlap");
    }

    @Test
    void holesBetweenOrAfterTensors() {
        String gap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        refused(file(gap, floats(1, 2, 3)), "hole in the data section", "[4, 8)", "before tensor 'b'");

        refused(file(TWO_FLOATS, floats(1, 2, 3)), "hole in the data section", "[8, 12)", "after the last tensor");
        refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", floats(1, 2)),
                "hole in the data section", "[0, 4)");
    }

    @Test
    void badMetadata() {
        refused(file("{\"__metadata__\":{\"step\":12}}", new byte[0]), "__metadata__ must be an object of strings", "'step'");
        refused(file("{\"__metadata__\":[]}", new byte[0]), "__metadata__ must be an object of strings");
    }

    @Test
    void theErrorNamesTheFile(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("broken.safetensors");
        Files.write(path, new byte[3]);

        assertThatThrownBy(() -> Safetensors.read(path))
                .isInstanceOf(SafetensorsFormatException.class)
                .hasMessageContaining("broken.safetensors")
                .hasMessageContaining("truncated");
    }
}
