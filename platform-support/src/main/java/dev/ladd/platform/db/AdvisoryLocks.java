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

        @Override
        public void close() throws SQLException {
            try (connection) {
                call(connection, "pg_advisory_unlock", key);
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
