package dev.ladd.eval.scoring;

import org.springframework.stereotype.Component;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * PostgreSQL session advisory locks, so that two eval-service replicas never score the same checkpoint or
 * compute the same teacher's baselines at once. A lock lives on its own connection for as long as it is
 * held; a killed replica's locks go with its connections.
 */
@Component
public class AdvisoryLocks {

    private final DataSource dataSource;

    public AdvisoryLocks(DataSource dataSource) {
        this.dataSource = dataSource;
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
            if (call(connection, "pg_try_advisory_lock", key)) {
                return Optional.of(new Held(connection, key));
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
            statement.setString(1, "ladd-eval:" + key);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }
}
