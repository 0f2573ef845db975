package dev.ladd.platform.test;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server (zonky's embedded binaries) per test JVM, started on first use and stopped
 * when the JVM exits. Every Spring context gets its own fresh database on it, so tests never see each
 * other's rows and the server start is paid once.
 */
public final class TestPostgres {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres server;

    private TestPostgres() {
    }

    public static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder()
                        // a module may see zonky's binaries twice (its own dependency and a launcher jar's manifest
                        // class path): the same archive, so take the first instead of refusing both
                        .setPgBinaryResolver((system, hardware) -> TestPostgres.class.getClassLoader().getResourceAsStream(
                                "postgres-" + system.toLowerCase(java.util.Locale.ROOT) + "-" + hardware + ".txz"))
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("could not start embedded PostgreSQL", e);
            }
            EmbeddedPostgres started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
            }));
        }
        return server;
    }

    /** Creates an empty database and returns its JDBC URL (user {@code postgres}, no password). */
    public static String newDatabase() {
        String name = "test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        EmbeddedPostgres pg = server();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create test database " + name, e);
        }
        return pg.getJdbcUrl("postgres", name);
    }
}
