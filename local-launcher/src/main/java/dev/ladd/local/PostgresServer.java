package dev.ladd.local;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * PostgreSQL from zonky's embedded binaries, on a fixed port, with a data directory that outlives the launcher.
 *
 * <p>zonky runs {@code initdb} only when the data directory has no {@code postgresql.conf} (or when told to clean
 * it, which we never do), so a second start finds the databases of the first. As root, zonky itself runs the
 * PostgreSQL binaries through {@code unshare -U}. {@code pg_ctl} detaches the postmaster, so it is not a child of
 * this JVM: {@link #close()} makes sure, by its pid, that it is gone.
 */
final class PostgresServer implements AutoCloseable {

    static final String USER = "postgres";

    private final EmbeddedPostgres postgres;
    private final int port;
    private final boolean initialized;
    private final long postmasterPid;

    private PostgresServer(EmbeddedPostgres postgres, int port, boolean initialized, long postmasterPid) {
        this.postgres = postgres;
        this.port = port;
        this.initialized = initialized;
        this.postmasterPid = postmasterPid;
    }

    /**
     * Starts PostgreSQL on {@code port} with data in {@code dataDir} (created with initdb if new) and makes sure
     * {@code database} exists.
     *
     * @param binDir  where zonky unpacks the PostgreSQL binaries
     * @param logFile PostgreSQL's own output
     * @see #stopStalePostmaster
     */
    static PostgresServer start(Path dataDir, Path binDir, int port, Path logFile, String database) {
        boolean fresh = prepareDataDir(dataDir);
        EmbeddedPostgres postgres;
        long logOffset = logFile.toFile().length();
        try {
            Files.createDirectories(binDir);
            Files.createDirectories(logFile.getParent());
            ProcessBuilder.Redirect log = ProcessBuilder.Redirect.appendTo(logFile.toFile());
            postgres = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .setOverrideWorkingDirectory(binDir.toFile())
                    .setOutputRedirector(log)
                    .setErrorRedirector(log)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
        } catch (IOException | RuntimeException e) {
            throw new StartupException("PostgreSQL did not start on port " + port + ": " + e.getMessage()
                    + LogTail.describe(logFile, 30, logOffset), e);
        }
        PostgresServer server = new PostgresServer(postgres, port, fresh, readPostmasterPid(dataDir).orElse(-1));
        try {
            server.ensureDatabase(database);
        } catch (SQLException e) {
            server.close();
            throw new StartupException("PostgreSQL started but creating database '" + database + "' failed: "
                    + e.getMessage(), e);
        }
        return server;
    }

    /** True when this start ran initdb (a new data directory); false when it re-used existing data. */
    boolean initializedDataDirectory() {
        return initialized;
    }

    int port() {
        return port;
    }

    /** The postmaster's pid, or -1 if unknown. */
    long postmasterPid() {
        return postmasterPid;
    }

    String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port + "/" + database;
    }

    Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), USER, "");
    }

    private void ensureDatabase(String database) throws SQLException {
        try (Connection connection = connect("postgres")) {
            boolean exists;
            try (PreparedStatement query = connection.prepareStatement("select 1 from pg_database where datname = ?")) {
                query.setString(1, database);
                try (ResultSet rows = query.executeQuery()) {
                    exists = rows.next();
                }
            }
            if (!exists) {
                try (Statement create = connection.createStatement()) {
                    create.execute("create database \"" + database.replace("\"", "\"\"") + "\"");
                }
            }
        }
    }

    @Override
    public void close() {
        try {
            postgres.close(); // pg_ctl stop -m fast, waits up to 5 s
        } catch (IOException | RuntimeException e) {
            // checked below
        }
        if (postmasterPid > 0) {
            ProcessHandle.of(postmasterPid).filter(ProcessHandle::isAlive).ifPresent(PostgresServer::kill);
        }
    }

    /**
     * A data directory without postgresql.conf gets initdb. If it holds only zonky's lock file (an earlier initdb that
     * failed half way), it is emptied first; a directory with anything else in it is left for the user to look at.
     *
     * @return true when initdb will run
     */
    private static boolean prepareDataDir(Path dataDir) {
        if (Files.isRegularFile(dataDir.resolve("postgresql.conf"))) {
            return false;
        }
        if (Files.isDirectory(dataDir)) {
            if (Files.exists(dataDir.resolve("PG_VERSION"))) {
                throw new StartupException("PostgreSQL data directory " + dataDir + " has PG_VERSION but no "
                        + "postgresql.conf; it looks damaged. Move it away (or delete it to start empty).");
            }
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(dataDir)).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new StartupException("could not clear the unfinished data directory " + dataDir + ": " + e.getMessage(), e);
            }
        }
        return true;
    }

    /** A postmaster of an earlier run that was killed hard still holds the data directory and port: stop it. */
    static void stopStalePostmaster(Path dataDir, PrintStream out) {
        OptionalLong pid = readPostmasterPid(dataDir);
        if (pid.isEmpty()) {
            return;
        }
        Optional<ProcessHandle> stale = ProcessHandle.of(pid.getAsLong())
                .filter(ProcessHandle::isAlive)
                .filter(h -> h.info().command().map(c -> c.endsWith("/postgres")).orElse(false));
        stale.ifPresent(h -> {
            out.printf("Stopping PostgreSQL (pid %d), left over from an earlier run%n", h.pid());
            kill(h);
        });
    }

    private static void kill(ProcessHandle postmaster) {
        postmaster.destroy(); // SIGTERM: smart shutdown
        try {
            postmaster.onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            postmaster.destroyForcibly();
            try {
                postmaster.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // nothing more to do
            }
        }
    }

    private static OptionalLong readPostmasterPid(Path dataDir) {
        Path pidFile = dataDir.resolve("postmaster.pid");
        try {
            if (!Files.isRegularFile(pidFile)) {
                return OptionalLong.empty();
            }
            String first = Files.readAllLines(pidFile, StandardCharsets.UTF_8).stream().findFirst().orElse("").trim();
            return first.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(first));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
