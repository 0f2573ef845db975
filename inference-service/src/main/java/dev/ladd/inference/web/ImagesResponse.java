package dev.ladd.inference.web;

import java.util.List;

/** The images of one request, the checkpoint that made them, and where the time went. */
public record ImagesResponse(String alias, String checkpointId, long revision, int steps, List<Image> images,
                             double queueMs, double generateMs) {

    /** One image: its seed and the PNG, base64. */
    public record Image(long seed, String pngBase64) {
    }
}
