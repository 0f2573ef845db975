package dev.ladd.inference.model;

/** A model could not be made ready to serve; the message says which step failed and why. */
public class ModelLoadException extends Exception {
    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
