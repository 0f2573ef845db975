package dev.ladd.gateway.serving;

import java.util.regex.Pattern;

/** What a serving alias may be called (in request bodies, paths and settings alike). */
public final class Alias {

    public static final String REGEX = "[A-Za-z0-9._-]{1,64}";
    public static final String RULE = "1-64 letters, digits, '.', '_' or '-'";
    private static final Pattern PATTERN = Pattern.compile(REGEX);

    private Alias() {
    }

    public static boolean valid(String alias) {
        return alias != null && PATTERN.matcher(alias).matches();
    }
}
