package dev.ladd.gateway.images;

import java.util.List;

/** inference-service's answer to {@code POST /api/v1/images}. */
public record InferenceResult(String alias, String checkpointId, long revision, int steps, List<Image> images,
                              double queueMs, double generateMs) {

    /** One generated image: its seed and the PNG, base64. */
    public record Image(long seed, String pngBase64) {
    }
}
