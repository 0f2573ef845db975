package dev.ladd.local;

/** A command-line option the launcher cannot use; the message is meant for the user, as is. */
public final class OptionsException extends Exception {

    public OptionsException(String message) {
        super(message);
    }
}
