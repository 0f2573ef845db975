package dev.ladd.inference.serving;

import java.time.Instant;

/** The checkpoint an alias should serve, as last announced on the serving-desired topic. */
public record DesiredModel(String alias, String checkpointId, long revision, String weightsSha256,
                           String manifestSha256, Instant updatedAt) {
}
