package dev.ladd.platform.web;

/** A requested resource does not exist: answered with 404 and a problem body naming it. */
public class NotFoundException extends RuntimeException {
    public NotFoundException(String message) {
        super(message);
    }
}
