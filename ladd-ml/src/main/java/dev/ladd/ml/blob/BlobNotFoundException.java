package dev.ladd.ml.blob;

import java.io.IOException;

/** No blob is stored under the requested sha256. */
public class BlobNotFoundException extends IOException {
    public BlobNotFoundException(BlobId id) {
        super("no blob " + id.sha256() + " in the blob store");
    }
}
