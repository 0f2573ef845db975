package dev.ladd.platform.config;

import java.util.List;
import java.util.stream.Collectors;

/** A service was started without settings it has no default for; the message names each one. */
public class MissingSettingsException extends IllegalStateException {

    private final String service;
    private final List<RequiredSettings.Setting> missing;

    public MissingSettingsException(String service, List<RequiredSettings.Setting> missing) {
        super(service + " is missing required settings: " + missing.stream()
                .map(s -> s.property() + " (env " + s.environmentVariable() + ")").collect(Collectors.joining(", ")));
        this.service = service;
        this.missing = List.copyOf(missing);
    }

    public String service() {
        return service;
    }

    public List<RequiredSettings.Setting> missing() {
        return missing;
    }
}
