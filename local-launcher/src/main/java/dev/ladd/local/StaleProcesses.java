package dev.ladd.local;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Pid files under {@code <work>/run}: one per child process, holding its pid and start time. If a launcher is killed
 * hard (kill -9) its children live on and hold the ports; the next start finds them here and stops them.
 */
final class StaleProcesses {

    private StaleProcesses() {
    }

    static void record(Path pidFile, ProcessHandle handle) throws IOException {
        Files.createDirectories(pidFile.getParent());
        long started = handle.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
        Files.writeString(pidFile, handle.pid() + " " + started + "\n", StandardCharsets.UTF_8);
    }

    /** Stops every still-running process recorded in {@code runDir} and removes the pid files. */
    static void reap(Path runDir, PrintStream out) {
        if (!Files.isDirectory(runDir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(runDir, "*.pid")) {
            for (Path file : files) {
                find(file).ifPresent(handle -> {
                    out.printf("Stopping %s (pid %d), left over from an earlier run%n",
                            file.getFileName().toString().replace(".pid", ""), handle.pid());
                    stop(handle);
                });
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            out.println("Could not check " + runDir + " for left-over processes: " + e.getMessage());
        }
    }

    private static Optional<ProcessHandle> find(Path pidFile) {
        try {
            String[] parts = Files.readString(pidFile, StandardCharsets.UTF_8).trim().split("\\s+");
            long pid = Long.parseLong(parts[0]);
            long started = parts.length > 1 ? Long.parseLong(parts[1]) : -1L;
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(h -> started != -1L
                            && h.info().startInstant().map(Instant::toEpochMilli).orElse(-2L) == started);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** SIGTERM, up to 20 s, then SIGKILL; also for what the process started. */
    static void stop(ProcessHandle handle) {
        var children = handle.descendants().toList();
        handle.destroy();
        try {
            handle.onExit().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            handle.destroyForcibly();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
