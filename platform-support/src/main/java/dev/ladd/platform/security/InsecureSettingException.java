package dev.ladd.platform.security;

/**
 * A secret setting that is missing, a sample value or too weak: the service refuses to start. The message names the
 * property, its environment variable and what is wrong — never the value.
 */
public class InsecureSettingException extends IllegalStateException {

    private final String property;
    private final String environmentVariable;
    private final String reason;

    public InsecureSettingException(String property, String environmentVariable, String reason) {
        super(property + " (environment variable " + environmentVariable + ") is refused: " + reason);
        this.property = property;
        this.environmentVariable = environmentVariable;
        this.reason = reason;
    }

    /** Checks {@code secret} with {@link Secrets#weakness}; throws naming the property when it is refused. */
    public static String require(String property, String environmentVariable, String secret) {
        Secrets.weakness(secret).ifPresent(reason -> {
            throw new InsecureSettingException(property, environmentVariable, reason);
        });
        return secret;
    }

    public String property() {
        return property;
    }

    public String environmentVariable() {
        return environmentVariable;
    }

    public String reason() {
        return reason;
    }
}
