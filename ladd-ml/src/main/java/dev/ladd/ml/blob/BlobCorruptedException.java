package dev.ladd.ml.blob;

import java.io.IOException;

/** The stored bytes do not match the blob's name: the blob must not be used. */
public class BlobCorruptedException extends IOException {
    public BlobCorruptedException(String message) {
        super(message);
    }
}
