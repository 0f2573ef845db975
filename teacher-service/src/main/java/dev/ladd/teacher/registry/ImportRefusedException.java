package dev.ladd.teacher.registry;

/** {@link ImportRoot} refuses to read a model folder; the web layer answers by {@link #reason()}. */
public class ImportRefusedException extends RuntimeException {

    /** Why: imports are off (403), the folder is not a readable model folder inside the root (400), too large (413). */
    public enum Reason { IMPORTS_OFF, BAD_FOLDER, TOO_LARGE }

    private final Reason reason;

    public ImportRefusedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
