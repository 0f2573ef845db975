package dev.ladd.ml.checkpoint;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.ladd.ml.checkpoint.HandBuilt.concat;
import static dev.ladd.ml.checkpoint.HandBuilt.file;
import static dev.ladd.ml.checkpoint.HandBuilt.floats;
import static dev.ladd.ml.checkpoint.HandBuilt.shorts;
import static org.assertj.core.api.Assertions.assertThat;

/** Reading files whose bytes are written out by hand here, not by {@link Safetensors}' writer. */
class SafetensorsReadTest {

    @Test
    void readsF32F16AndBf16TensorsInHeaderOrderWithMetadata() throws Exception {
        String header = """
                {"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},\
                "h":{"dtype":"F16","shape":[3],"data_offsets":[16,22]},\
                "__metadata__":{"format":"pt","step":"12"},\
                "b":{"dtype":"BF16","shape":[1,1],"data_offsets":[22,24]}}""";
        byte[] data = concat(floats(1.5f, -2f, 0f, 3.25f), shorts(0x3C00, 0xC000, 0x7BFF), shorts(0x3F80));

        SafetensorsFile file = Safetensors.read(file(header, data));

        assertThat(file.tensors().keySet()).containsExactly("w", "h", "b");
        assertThat(file.metadata()).isEqualTo(Map.of("format", "pt", "step", "12"));
        SafetensorsTensor w = file.tensor("w");
        assertThat(w.dtype()).isEqualTo(DType.F32);
        assertThat(w.shape()).containsExactly(2, 2);
        assertThat(w.values()).containsExactly(1.5f, -2f, 0f, 3.25f);
        SafetensorsTensor h = file.tensor("h");
        assertThat(h.dtype()).isEqualTo(DType.F16);
        assertThat(h.values()).containsExactly(1f, -2f, 65504f);
        SafetensorsTensor b = file.tensor("b");
        assertThat(b.dtype()).isEqualTo(DType.BF16);
        assertThat(b.shape()).containsExactly(1, 1);
        assertThat(b.values()).containsExactly(1f);
    }

    @Test
    void readsPaddedHeaderScalarsAndEmptyTensors() throws Exception {
        String header = "{\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
                + "\"e\":{\"dtype\":\"F16\",\"shape\":[0,3],\"data_offsets\":[4,4]}}      ";

        SafetensorsFile file = Safetensors.read(file(header, floats(7f)));

        assertThat(file.tensor("s").shape()).isEmpty();
        assertThat(file.tensor("s").values()).containsExactly(7f);
        assertThat(file.tensor("e").shape()).containsExactly(0, 3);
        assertThat(file.tensor("e").values()).isEmpty();
        assertThat(file.metadata()).isEmpty();
    }

    @Test
    void readsAnEmptyFile() throws Exception {
        SafetensorsFile file = Safetensors.read(file("{}", new byte[0]));

        assertThat(file.tensors()).isEmpty();
    }
}
