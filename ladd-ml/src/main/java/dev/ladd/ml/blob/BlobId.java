package dev.ladd.ml.blob;

import java.util.regex.Pattern;

/** The address of a blob: the sha256 of its bytes (64 lower-case hex digits) and its size. */
public record BlobId(String sha256, long sizeBytes) {

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    public BlobId {
        if (sha256 == null || !SHA256_HEX.matcher(sha256).matches()) {
            throw new IllegalArgumentException("not a sha256 in lower-case hex: '" + sha256 + "'");
        }
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("blob size must be >= 0, got " + sizeBytes);
        }
    }
}
