package dev.ladd.platform.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Says which required settings a service was started without, one per line, with the variable that sets each. */
public class RequiredSettingsFailureAnalyzer extends AbstractFailureAnalyzer<MissingSettingsException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, MissingSettingsException cause) {
        StringBuilder description = new StringBuilder(cause.service() + " did not start: it has no default for these "
                + "settings and they are not set:\n");
        for (RequiredSettings.Setting setting : cause.missing()) {
            description.append("\n    ").append(setting.property()).append(" (env ").append(setting.environmentVariable())
                    .append("): ").append(setting.description());
        }
        return new FailureAnalysis(description.toString(),
                "Set each of them, as an environment variable or --property=value. docker-compose.yml, the Helm chart "
                        + "helm/ladd and ./ladd-local set all of them (README \"Deploy\").",
                cause);
    }
}
