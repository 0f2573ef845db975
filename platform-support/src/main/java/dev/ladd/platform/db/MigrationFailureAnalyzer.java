package dev.ladd.platform.db;

import org.flywaydb.core.api.FlywayException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a failed Flyway migration into a short, clear start-up failure instead of a page of stack trace.
 * The service does not start, so nothing runs against a half-migrated schema.
 */
public class MigrationFailureAnalyzer extends AbstractFailureAnalyzer<FlywayException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, FlywayException cause) {
        return new FailureAnalysis(
                "Database migration failed, so the service did not start: " + cause.getMessage(),
                "Fix the migration named above (or the database it runs against) and start the service again. "
                        + "Flyway rolled back the failed migration where PostgreSQL allows it; "
                        + "see the flyway_schema_history table of the service's schema.",
                cause);
    }
}
