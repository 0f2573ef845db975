package dev.ladd.ml.checkpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SafetensorsWriteTest {

    private static final float[] VALUES = {1f, -2f, 1f / 3, 0.1f, 65504f, 65520f, 0x1p-24f, -0f, 1e-3f, 123.456f};

    private static SafetensorsFile single(DType dtype) {
        return SafetensorsFile.of(List.of(new SafetensorsTensor("t", dtype, new long[]{2, 5}, VALUES.clone())), Map.of());
    }

    @Test
    void f32RoundTripIsExact() throws Exception {
        SafetensorsFile read = Safetensors.read(Safetensors.toBytes(single(DType.F32)));

        assertThat(read.tensor("t")).isEqualTo(single(DType.F32).tensor("t"));
    }

    @Test
    void f16RoundTripRoundsAsHalfPrecision() throws Exception {
        float[] read = Safetensors.read(Safetensors.toBytes(single(DType.F16))).tensor("t").values();

        assertThat(read[0]).isEqualTo(1f);
        assertThat(read[1]).isEqualTo(-2f);
        assertThat(FloatFormats.floatToHalf(read[2])).isEqualTo((short) 0x3555);
        assertThat(read[4]).isEqualTo(65504f);
        assertThat(read[5]).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(read[6]).isEqualTo(0x1p-24f);
        assertThat(Float.floatToRawIntBits(read[7])).isEqualTo(Float.floatToRawIntBits(-0f));
        for (int i : new int[]{2, 3, 8, 9}) {
            assertThat(read[i]).isCloseTo(VALUES[i], org.assertj.core.data.Percentage.withPercentage(0.05));
        }
    }

    @Test
    void bf16RoundTripRoundsAsBfloat16() throws Exception {
        float[] read = Safetensors.read(Safetensors.toBytes(single(DType.BF16))).tensor("t").values();

        assertThat(read[0]).isEqualTo(1f);
        assertThat(read[1]).isEqualTo(-2f);
        assertThat(Float.floatToRawIntBits(read[2])).isEqualTo(0x3EAB_0000);
        assertThat(read[5]).isEqualTo(65536f); // representable range: no overflow in bf16
        for (int i = 0; i < VALUES.length; i++) {
            assertThat(read[i]).isCloseTo(VALUES[i], org.assertj.core.data.Percentage.withPercentage(0.4));
        }
    }

    @Test
    void headerIsSortedPaddedToEightBytesAndCarriesMetadata() throws Exception {
        SafetensorsFile file = SafetensorsFile.of(List.of(
                new SafetensorsTensor("zeta", DType.F32, new long[]{1}, new float[]{1f}),
                new SafetensorsTensor("alpha", DType.F16, new long[]{3}, new float[]{1f, 2f, 3f})),
                Map.of("format", "pt"));

        byte[] bytes = Safetensors.toBytes(file);

        long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(headerLength % 8).isZero();
        String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
        assertThat(header).isEqualTo(
                "{\"__metadata__\":{\"format\":\"pt\"},"
                        + "\"alpha\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,6]},"
                        + "\"zeta\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[6,10]}}"
                        + " ".repeat((int) headerLength - header.strip().length()));
        assertThat(bytes).hasSize(8 + (int) headerLength + 10);

        SafetensorsFile read = Safetensors.read(bytes);
        assertThat(read.tensors().keySet()).containsExactly("alpha", "zeta");
        assertThat(read.metadata()).isEqualTo(Map.of("format", "pt"));
    }

    @Test
    void writesTheSameBytesToAStreamAndAtomicallyToAPath(@TempDir Path dir) throws Exception {
        SafetensorsFile file = single(DType.F32);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        Safetensors.write(file, stream);
        Path target = dir.resolve("weights.safetensors");
        Files.write(target, new byte[]{1, 2, 3}); // an older file is replaced whole

        Safetensors.write(file, target);

        assertThat(Files.readAllBytes(target)).isEqualTo(stream.toByteArray()).isEqualTo(Safetensors.toBytes(file));
        assertThat(Safetensors.read(target)).isEqualTo(Safetensors.read(stream.toByteArray()));
        try (var listing = Files.list(dir)) {
            assertThat(listing).containsExactly(target); // no temp file left behind
        }
    }

    @Test
    void largeTensorsSpanSeveralWriteChunks() throws Exception {
        float[] values = new float[40_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 0.5f;
        }
        SafetensorsFile file = SafetensorsFile.of(List.of(new SafetensorsTensor("big", DType.BF16, new long[]{200, 200}, values)), null);

        float[] read = Safetensors.read(Safetensors.toBytes(file)).tensor("big").values();

        for (int i = 0; i < values.length; i++) {
            assertThat(read[i]).isEqualTo(FloatFormats.bfloat16ToFloat(FloatFormats.floatToBfloat16(values[i])));
        }
    }
}
