package dev.ladd.ml.nn;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** How a LADD discriminator head normalizes (docs/adr/022-ladd-that-learns.md). */
public enum HeadNorm {
    /** LayerNorm over each token's features before the first convolution only. */
    LAYER,
    /** As LAYER, and a GroupNorm (8 groups, no affine: FiLM and the next convolution scale) after each 3×3 convolution. */
    GROUP;

    /** As JSON and the run config spell it: "layer" or "group". */
    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** "layer" or "group"; refuses anything else naming the field. */
    @JsonCreator
    public static HeadNorm of(String id) {
        for (HeadNorm norm : values()) {
            if (norm.id().equals(id)) {
                return norm;
            }
        }
        throw new IllegalArgumentException("invalid LADD config: headNorm must be 'layer' or 'group', got '" + id + "'");
    }
}
