package dev.ladd.inference.batch;

/** The batcher has stopped taking requests (the service is shutting down); the web layer answers 503. */
public class ShuttingDownException extends RuntimeException {

    public ShuttingDownException() {
        super("the service is shutting down");
    }
}
