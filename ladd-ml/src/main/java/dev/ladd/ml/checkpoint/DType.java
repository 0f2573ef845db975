package dev.ladd.ml.checkpoint;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The safetensors element types this project reads and writes. The enum constant names are the
 * strings of the safetensors header ({@code "F32"}, {@code "F16"}, {@code "BF16"}).
 */
public enum DType {
    /** IEEE 754 single precision. */
    F32(4),
    /** IEEE 754 half precision (binary16). */
    F16(2),
    /** bfloat16: the upper 16 bits of a float32. */
    BF16(2);

    private final int sizeBytes;

    DType(int sizeBytes) {
        this.sizeBytes = sizeBytes;
    }

    /** Bytes per element. */
    public int sizeBytes() {
        return sizeBytes;
    }

    /** The dtype a safetensors header names, or a refusal naming the unsupported one. */
    static DType fromHeader(String name, String tensor) throws SafetensorsFormatException {
        for (DType dtype : values()) {
            if (dtype.name().equals(name)) {
                return dtype;
            }
        }
        throw new SafetensorsFormatException("tensor '" + tensor + "' has dtype " + name
                + ", which is unsupported (supported: " + supportedNames() + ")");
    }

    static String supportedNames() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
