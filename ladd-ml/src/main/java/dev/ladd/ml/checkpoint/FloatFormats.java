package dev.ladd.ml.checkpoint;

/**
 * Bit-exact conversions between float32 and the 16-bit formats of safetensors. Narrowing rounds to
 * nearest, ties to even; overflow gives infinity; NaN stays NaN (quiet); half-precision subnormals are
 * produced and read back exactly.
 */
public final class FloatFormats {

    private FloatFormats() {
    }

    /** float32 → IEEE binary16 bits, round to nearest even. */
    public static short floatToHalf(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = (bits >>> 23) & 0xFF;
        int mantissa = bits & 0x7F_FFFF;

        if (exponent == 0xFF) {
            // infinity keeps a zero mantissa; a NaN keeps its top payload bits and is made quiet so it never reads as infinity
            return (short) (mantissa == 0 ? sign | 0x7C00 : sign | 0x7C00 | 0x200 | (mantissa >>> 13));
        }
        int halfExponent = exponent - 127 + 15;
        if (halfExponent >= 0x1F) {
            return (short) (sign | 0x7C00);
        }
        if (halfExponent <= 0) {
            return (short) (sign | toSubnormalHalf(mantissa, halfExponent));
        }
        int magnitude = (halfExponent << 10) | (mantissa >>> 13);
        // a carry out of the mantissa correctly bumps the exponent, up to infinity (0x7C00)
        magnitude += roundUp(mantissa, 13, magnitude) ? 1 : 0;
        return (short) (sign | magnitude);
    }

    /** Half-precision subnormal (or zero) magnitude for a float whose half exponent is ≤ 0. */
    private static int toSubnormalHalf(int mantissa, int halfExponent) {
        if (halfExponent < -10) {
            return 0; // below half the smallest subnormal: rounds to zero
        }
        int significand = mantissa | 0x80_0000; // the implicit leading 1
        int shift = 14 - halfExponent;
        int magnitude = significand >>> shift;
        // rounding up the largest subnormal gives 0x400, the smallest normal: also correct
        return magnitude + (roundUp(significand, shift, magnitude) ? 1 : 0);
    }

    /** Whether dropping the low {@code droppedBits} of {@code bits} rounds {@code kept} up (nearest, ties to even). */
    private static boolean roundUp(int bits, int droppedBits, int kept) {
        int remainder = bits & ((1 << droppedBits) - 1);
        int halfway = 1 << (droppedBits - 1);
        return remainder > halfway || (remainder == halfway && (kept & 1) != 0);
    }

    /** IEEE binary16 bits → float32 (exact). */
    public static float halfToFloat(short half) {
        int sign = (half & 0x8000) << 16;
        int exponent = (half >>> 10) & 0x1F;
        int mantissa = half & 0x3FF;
        if (exponent == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F80_0000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float magnitude = mantissa * 0x1p-24f; // subnormal (or zero): exact in float32
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
    }

    /** float32 → bfloat16 bits, round to nearest even. */
    public static short floatToBfloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x40); // quiet NaN, never infinity
        }
        int lsb = (bits >>> 16) & 1;
        return (short) ((bits + 0x7FFF + lsb) >>> 16);
    }

    /** bfloat16 bits → float32 (exact). */
    public static float bfloat16ToFloat(short bfloat16) {
        return Float.intBitsToFloat((bfloat16 & 0xFFFF) << 16);
    }
}
