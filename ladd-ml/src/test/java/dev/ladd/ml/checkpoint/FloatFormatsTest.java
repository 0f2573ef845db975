package dev.ladd.ml.checkpoint;

import org.junit.jupiter.api.Test;

import static dev.ladd.ml.checkpoint.FloatFormats.bfloat16ToFloat;
import static dev.ladd.ml.checkpoint.FloatFormats.floatToBfloat16;
import static dev.ladd.ml.checkpoint.FloatFormats.floatToHalf;
import static dev.ladd.ml.checkpoint.FloatFormats.halfToFloat;
import static org.assertj.core.api.Assertions.assertThat;

class FloatFormatsTest {

    private static int half(float value) {
        return floatToHalf(value) & 0xFFFF;
    }

    private static int bf16(float value) {
        return floatToBfloat16(value) & 0xFFFF;
    }

    @Test
    void halfKnownValues() {
        assertThat(half(1f)).isEqualTo(0x3C00);
        assertThat(half(-2f)).isEqualTo(0xC000);
        assertThat(half(65504f)).isEqualTo(0x7BFF);
        assertThat(half(1f / 3)).isEqualTo(0x3555);
        assertThat(half(0f)).isEqualTo(0x0000);
        assertThat(half(-0f)).isEqualTo(0x8000);
        assertThat(half(0.1f)).isEqualTo(0x2E66);
    }

    @Test
    void halfRoundsToNearestEven() {
        // 1 + 2^-11 lies exactly between 1 (0x3C00, even) and 1 + 2^-10 (0x3C01): ties go to even
        assertThat(half(1f + 0x1p-11f)).isEqualTo(0x3C00);
        // 1 + 3·2^-11 lies between 0x3C01 (odd) and 0x3C02: ties go to even, up
        assertThat(half(1f + 3 * 0x1p-11f)).isEqualTo(0x3C02);
        // just above the tie rounds up
        assertThat(half(Math.nextUp(1f + 0x1p-11f))).isEqualTo(0x3C01);
    }

    @Test
    void halfOverflowsToInfinity() {
        assertThat(half(65519.996f)).isEqualTo(0x7BFF); // below the tie stays at the largest half
        assertThat(half(65520f)).isEqualTo(0x7C00);     // the tie rounds to even: infinity
        assertThat(half(1e6f)).isEqualTo(0x7C00);
        assertThat(half(-1e6f)).isEqualTo(0xFC00);
        assertThat(half(Float.POSITIVE_INFINITY)).isEqualTo(0x7C00);
        assertThat(half(Float.NEGATIVE_INFINITY)).isEqualTo(0xFC00);
    }

    @Test
    void halfSubnormals() {
        assertThat(half(0x1p-24f)).isEqualTo(0x0001);           // smallest subnormal
        assertThat(half(0x1p-25f)).isEqualTo(0x0000);           // half of it: tie to even, zero
        assertThat(half(Math.nextUp(0x1p-25f))).isEqualTo(0x0001);
        assertThat(half(1.5f * 0x1p-24f)).isEqualTo(0x0002);    // tie between 1 and 2 ulps: even
        assertThat(half(0x1p-14f - 0x1p-24f)).isEqualTo(0x03FF); // largest subnormal
        assertThat(half(0x1p-14f)).isEqualTo(0x0400);           // smallest normal
        assertThat(half(-0x1p-24f)).isEqualTo(0x8001);
        assertThat(half(1e-10f)).isEqualTo(0x0000);
        assertThat(halfToFloat((short) 0x0001)).isEqualTo(0x1p-24f);
        assertThat(halfToFloat((short) 0x03FF)).isEqualTo(1023 * 0x1p-24f);
        assertThat(halfToFloat((short) 0x8001)).isEqualTo(-0x1p-24f);
    }

    @Test
    void halfNaNStaysNaN() {
        assertThat(Float.isNaN(halfToFloat(floatToHalf(Float.NaN)))).isTrue();
        // a NaN whose payload lives only in the low bits must not become infinity
        float lowPayloadNaN = Float.intBitsToFloat(0x7F80_0001);
        assertThat(half(lowPayloadNaN) & 0x7C00).isEqualTo(0x7C00);
        assertThat(half(lowPayloadNaN) & 0x03FF).isNotZero();
    }

    @Test
    void everyHalfSurvivesTheRoundTrip() {
        for (int bits = 0; bits <= 0xFFFF; bits++) {
            float value = halfToFloat((short) bits);
            if (Float.isNaN(value)) {
                assertThat(Float.isNaN(halfToFloat(floatToHalf(value)))).isTrue();
            } else {
                assertThat(half(value)).as("half 0x%04X", bits).isEqualTo(bits);
            }
        }
    }

    @Test
    void bfloat16KnownValuesAndRounding() {
        assertThat(bf16(1f)).isEqualTo(0x3F80);
        assertThat(bf16(-2f)).isEqualTo(0xC000);
        assertThat(bf16(1f / 3)).isEqualTo(0x3EAB);                       // 0x3EAAAAAB rounds up
        assertThat(bf16(Float.intBitsToFloat(0x3F80_8000))).isEqualTo(0x3F80); // tie, even stays
        assertThat(bf16(Float.intBitsToFloat(0x3F81_8000))).isEqualTo(0x3F82); // tie, odd goes up
        assertThat(bf16(Float.intBitsToFloat(0x3F80_8001))).isEqualTo(0x3F81);
        assertThat(bf16(Float.MAX_VALUE)).isEqualTo(0x7F80);              // rounds over to infinity
        assertThat(bf16(Float.NEGATIVE_INFINITY)).isEqualTo(0xFF80);
        assertThat(Float.isNaN(bfloat16ToFloat(floatToBfloat16(Float.intBitsToFloat(0x7F80_0001))))).isTrue();
        assertThat(bfloat16ToFloat((short) 0x3F80)).isEqualTo(1f);
        assertThat(bfloat16ToFloat((short) 0xC000)).isEqualTo(-2f);
    }
}
