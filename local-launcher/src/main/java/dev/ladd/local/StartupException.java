package dev.ladd.local;

/**
 * A part of the platform did not come up. The message says what failed and where its log is; the launcher prints it
 * without a stack trace.
 */
public class StartupException extends RuntimeException {

    public StartupException(String message) {
        super(message);
    }

    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Start-up was interrupted because the platform is being stopped (Ctrl-C while starting). */
    public static final class Aborted extends StartupException {
        public Aborted() {
            super("start-up aborted: the platform is stopping");
        }
    }
}
