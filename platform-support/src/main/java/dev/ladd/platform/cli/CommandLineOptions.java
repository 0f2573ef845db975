package dev.ladd.platform.cli;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The {@code --name=value} options that follow the command word of a service's offline command
 * ({@code java -jar ladd-tools.jar train-default --out=DIR --seed=0}). A malformed option or value is an
 * {@link IllegalArgumentException} whose message names it (the commands exit with status 2 on those).
 */
public final class CommandLineOptions {

    private final Map<String, String> values;

    private CommandLineOptions(Map<String, String> values) {
        this.values = values;
    }

    /** One offline command: reads its options, does its work, prints to stdout. */
    @FunctionalInterface
    public interface Command {
        void run(CommandLineOptions options) throws IOException;
    }

    /**
     * Runs the command named by {@code args[0]} with the options that follow; returns the process exit code:
     * 0 done, 2 bad arguments ({@link IllegalArgumentException}, its message on stderr), 1 failed.
     */
    public static int dispatch(String[] args, Map<String, Command> commands) {
        try {
            Command command = commands.get(args[0]);
            if (command == null) {
                throw new IllegalArgumentException("unknown command '" + args[0] + "'; commands: "
                        + new TreeSet<>(commands.keySet()));
            }
            command.run(parse(args));
            return 0;
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        } catch (IOException | RuntimeException e) {
            System.err.println("failed: " + e.getMessage());
            return 1;
        }
    }

    /** The options of {@code args[1…]} ({@code args[0]} is the command). */
    public static CommandLineOptions parse(String[] args) {
        Map<String, String> values = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || !a.contains("=")) {
                throw new IllegalArgumentException("options look like --name=value, got '" + a + "'");
            }
            values.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
        }
        return new CommandLineOptions(values);
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** The value of {@code --name}, or null when it was not given. */
    public String get(String name) {
        return values.get(name);
    }

    /** The value of {@code --name}, or {@code fallback} when it was not given. */
    public String text(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    /** The value of {@code --name}, which must be given and not blank. */
    public String required(String name) {
        String value = values.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--" + name + "=... is required");
        }
        return value;
    }

    /** The whole number {@code --name}, or {@code fallback} when it was not given. */
    public long number(String name, long fallback) {
        String value = values.get(name);
        try {
            return value == null ? fallback : Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number, got '" + value + "'");
        }
    }

    /** The number {@code --name}, or {@code fallback} when it was not given. */
    public double decimal(String name, double fallback) {
        String value = values.get(name);
        try {
            return value == null ? fallback : Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a number, got '" + value + "'");
        }
    }
}
