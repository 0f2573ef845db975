package dev.ladd.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A process the launcher started, with its output appended to a log file and its pid recorded in a pid file, so
 * that a later start can stop it if this launcher was killed without cleaning up.
 */
final class ChildProcess implements AutoCloseable {

    static final Duration DEFAULT_GRACE = Duration.ofSeconds(20);

    /**
     * util-linux {@code setsid}, when there is one. Children run in their own session so that Ctrl-C in the terminal
     * (SIGINT to the whole foreground process group) reaches only the launcher, which then stops them in order:
     * services first, Kafka after them. A child of this JVM is never a process-group leader, so setsid execs the
     * command in place and the pid we hold is the child's own.
     */
    private static final String SETSID = findSetsid();

    private static String findSetsid() {
        for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
            Path candidate = Path.of(dir, "setsid");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    private final String name;
    private final Process process;
    private final Path logFile;
    private final Path pidFile;
    private final long logOffset;

    private ChildProcess(String name, Process process, Path logFile, Path pidFile, long logOffset) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        this.pidFile = pidFile;
        this.logOffset = logOffset;
    }

    static ChildProcess start(String name, List<String> command, Path workingDir, Path logFile, Path pidFile) {
        return start(name, command, Map.of(), workingDir, logFile, pidFile);
    }

    /**
     * Starts {@code command} in {@code workingDir} with this process's environment plus {@code environment} (the way
     * to hand a child a secret: a command line is visible to every user, a process's environment only to its owner),
     * stdout and stderr appended to {@code logFile}, which also gets the command line (never the environment).
     *
     * @param pidFile where to record the pid, or null for a short-lived helper
     */
    static ChildProcess start(String name, List<String> command, Map<String, String> environment, Path workingDir,
                              Path logFile, Path pidFile) {
        try {
            Files.createDirectories(logFile.getParent());
            long logOffset = Files.isRegularFile(logFile) ? Files.size(logFile) : 0;
            Files.writeString(logFile, "\n===== " + Instant.now() + " ladd-local starts " + name + ": "
                            + String.join(" ", command) + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            List<String> detached = new java.util.ArrayList<>();
            if (SETSID != null) {
                detached.add(SETSID);
            }
            detached.addAll(command);
            ProcessBuilder builder = new ProcessBuilder(detached)
                    .directory(workingDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (pidFile != null) {
                StaleProcesses.record(pidFile, process.toHandle());
            }
            return new ChildProcess(name, process, logFile, pidFile, logOffset);
        } catch (IOException e) {
            throw new StartupException("could not start " + name + ": " + e.getMessage(), e);
        }
    }

    private static java.io.File nullDevice() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    String name() {
        return name;
    }

    Path logFile() {
        return logFile;
    }

    long pid() {
        return process.pid();
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code; only when the process has ended. */
    int exitValue() {
        return process.exitValue();
    }

    /** Waits for the process to end by itself. */
    boolean waitFor(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The last lines this process wrote (not those of earlier runs in the same log file). */
    String logTail(int lines) {
        return LogTail.describe(logFile, lines, logOffset);
    }

    /** The lines this process wrote (not those of earlier runs in the same log file) that contain {@code text}. */
    List<String> logLinesContaining(String text) {
        return LogTail.lastLines(logFile, 10_000, logOffset).stream().filter(line -> line.contains(text)).toList();
    }

    /** Asks the process to stop (SIGTERM) without waiting. */
    void signalStop() {
        if (process.isAlive()) {
            process.destroy();
        }
    }

    /**
     * Waits for the process to end after {@link #signalStop()}; past the deadline, kills it and whatever it started.
     *
     * @return true when it stopped by itself
     */
    boolean awaitStop(Instant deadline) {
        List<ProcessHandle> children = process.descendants().toList();
        boolean graceful = true;
        try {
            long millis = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
            if (!process.waitFor(millis, TimeUnit.MILLISECONDS)) {
                graceful = false;
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            graceful = false;
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        if (pidFile != null) {
            try {
                Files.deleteIfExists(pidFile);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return graceful;
    }

    /** SIGTERM, wait up to the grace period, then SIGKILL. */
    boolean stop(Duration grace) {
        signalStop();
        return awaitStop(Instant.now().plus(grace));
    }

    @Override
    public void close() {
        stop(DEFAULT_GRACE);
    }
}
