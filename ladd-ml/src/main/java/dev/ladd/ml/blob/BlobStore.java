package dev.ladd.ml.blob;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * A content-addressed store for large payloads (latent shards, checkpoints): a blob's name is the
 * lower-case hex sha256 of its bytes. Writing the same bytes twice stores them once; every read checks
 * the bytes against the name and refuses a mismatch.
 */
public interface BlobStore {

    /** Stores the stream's bytes and returns their address. */
    BlobId put(InputStream content) throws IOException;

    /** Stores the bytes and returns their address. */
    BlobId put(byte[] content) throws IOException;

    /**
     * The blob's bytes, verified against its sha256.
     *
     * @throws BlobNotFoundException  if no blob has that name
     * @throws BlobCorruptedException if the stored bytes do not hash to the name
     */
    byte[] get(BlobId id) throws IOException;

    /**
     * Copies the blob to {@code target}, verified: the file appears only when its bytes match the name.
     */
    void copyTo(BlobId id, Path target) throws IOException;

    boolean exists(BlobId id);
}
