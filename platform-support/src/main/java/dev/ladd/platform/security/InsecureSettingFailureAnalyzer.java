package dev.ladd.platform.security;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** A refused secret setting stops the service with a short message naming it and how to make a good one. */
public class InsecureSettingFailureAnalyzer extends AbstractFailureAnalyzer<InsecureSettingException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InsecureSettingException cause) {
        return new FailureAnalysis(
                "The service did not start: " + cause.getMessage() + ". (The value is never printed.)",
                "Set " + cause.environmentVariable() + " (or " + cause.property() + ") to a long random value, e.g. the"
                        + " output of: " + Secrets.HOW_TO_MAKE_ONE + " — at least " + Secrets.MIN_LENGTH
                        + " characters, never a sample from .env.example or the documentation.",
                cause);
    }
}
