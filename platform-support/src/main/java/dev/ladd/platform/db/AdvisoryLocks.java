package dev.ladd.platform.db;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * PostgreSQL session advisory locks, so that two replicas of a service never do the same long work at once (train
 * the same run, score the same checkpoint). A lock lives on its own connection for as long as it is held; a killed
 * replica's locks go with its connections. Keys are namespaced by the service's name.
 * <p>
 * A lock can also be lost while its holder goes on: PostgreSQL restarts, or the lock's connection is cut. Long work
 * asks {@link Held#stillHeld()} at its safe points; where another replica may already have taken over, it also fences
 * its writes (trainer-service's run lease epoch, docs/adr/018).
 */
public class AdvisoryLocks {

    private final DataSource dataSource;
    private final String namespace;

    public AdvisoryLocks(DataSource dataSource, String namespace) {
        this.dataSource = dataSource;
        this.namespace = namespace;
    }

    /** A held lock; closing it releases the lock and its connection. */
    public static final class Held implements AutoCloseable {
        private final Connection connection;
        private final String key;

        private Held(Connection connection, String key) {
            this.connection = connection;
            this.key = key;
        }

        /**
         * Whether this lock's session is alive and still holds the lock (false after a PostgreSQL restart or a cut
         * connection: the lock went with its session, and another session may hold it by now).
         */
        public boolean stillHeld() {
            try (PreparedStatement statement = connection.prepareStatement("""
                    SELECT count(*) FROM pg_locks
                    WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted AND objsubid = 1
                      AND ((classid::bigint << 32) | objid::bigint) = hashtext(?)::bigint""")) {
                statement.setString(1, key);
                try (ResultSet rs = statement.executeQuery()) {
                    return rs.next() && rs.getInt(1) > 0;
                }
            } catch (SQLException e) {
                return false;
            }
        }

        /** Releases the lock and its connection; a lock whose session is gone is released already. */
        @Override
        public void close() throws SQLException {
            try (connection) {
                if (!connection.isClosed() && connection.isValid(5)) {
                    call(connection, "pg_advisory_unlock", key);
                }
            }
        }
    }

    /** The lock on {@code key}, or empty when another session holds it. */
    public Optional<Held> tryLock(String key) throws SQLException {
        Connection connection = dataSource.getConnection();
        try {
            String namespaced = namespace + ":" + key;
            if (call(connection, "pg_try_advisory_lock", namespaced)) {
                return Optional.of(new Held(connection, namespaced));
            }
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
        connection.close();
        return Optional.empty();
    }

    private static boolean call(Connection connection, String function, String key) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + function + "(hashtext(?))")) {
            statement.setString(1, key);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }
}
