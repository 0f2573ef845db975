package dev.ladd.ml.checkpoint;

import java.io.IOException;

/** A byte sequence that is not a safetensors file this project accepts; the message names the problem. */
public class SafetensorsFormatException extends IOException {

    public SafetensorsFormatException(String message) {
        super(message);
    }

    public SafetensorsFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
