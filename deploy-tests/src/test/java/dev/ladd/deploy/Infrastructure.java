package dev.ladd.deploy;

import dev.ladd.local.Ports;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The PostgreSQL and Kafka a deployment expects to find: a real PostgreSQL server (zonky's embedded binaries, as the
 * launcher and the service tests use) that asks every user but the administrator for a password (scram-sha-256, as
 * the postgres image and a managed database do), and a real Kafka broker (KRaft, in this JVM), fresh for each
 * deployment. PostgreSQL is started once; {@link #provision} creates the accounts and databases a deployment's
 * services log in with, {@link #reset} drops them again.
 */
final class Infrastructure implements AutoCloseable {

    private final EmbeddedPostgres postgres;
    private final List<String> databases = new ArrayList<>();
    private final List<String> roles = new ArrayList<>();
    private EmbeddedKafkaKraftBroker kafka;
    private int kafkaPort;

    private Infrastructure(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    static Infrastructure startPostgres(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path hba = Files.writeString(dir.resolve("pg_hba.conf"), """
                # the administrator (this test) on the local socket and loopback without a password; everyone else with one
                local all postgres trust
                host  all postgres 127.0.0.1/32 trust
                host  all postgres ::1/128 trust
                host  all all 127.0.0.1/32 scram-sha-256
                host  all all ::1/128 scram-sha-256
                """);
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setPort(Ports.freePort())
                .setDataDirectory(dir.resolve("data"))
                .setCleanDataDirectory(true)
                .setServerConfig("hba_file", hba.toString())
                .setServerConfig("password_encryption", "scram-sha-256")
                .setPGStartupWait(Duration.ofSeconds(60))
                // the binaries are on the class path twice (this module's dependency and the launcher jar's lib/):
                // the same file, so take the first instead of refusing both
                .setPgBinaryResolver((system, hardware) -> Infrastructure.class.getClassLoader()
                        .getResourceAsStream("postgres-" + system.toLowerCase(java.util.Locale.ROOT) + "-" + hardware + ".txz"))
                .start();
        return new Infrastructure(postgres);
    }

    int postgresPort() {
        return postgres.getPort();
    }

    int kafkaPort() {
        return kafkaPort;
    }

    /** A fresh single-node KRaft broker on a port of its choosing (the previous one, if any, is stopped). */
    void startKafka() {
        stopKafka();
        kafka = new EmbeddedKafkaKraftBroker(1, 1);
        kafka.brokerProperty("auto.create.topics.enable", "true");
        kafka.afterPropertiesSet();
        String brokers = kafka.getBrokersAsString();
        kafkaPort = Integer.parseInt(brokers.substring(brokers.lastIndexOf(':') + 1));
    }

    void stopKafka() {
        if (kafka != null) {
            kafka.destroy();
            kafka = null;
        }
    }

    /**
     * Creates each account with its password and its database, as the deployment's PostgreSQL would have them: a
     * {@code superuser} account as the postgres image creates POSTGRES_USER (owner of POSTGRES_DB), any other as a
     * database administrator would (README "Deploy": a login with all rights on the database).
     */
    void provision(List<Deployment.DbAccount> accounts) throws SQLException {
        try (Connection admin = admin("postgres"); Statement sql = admin.createStatement()) {
            for (Deployment.DbAccount account : accounts) {
                if (account.user() == null || account.user().isBlank()) {
                    throw new AssertionError("a database account without a user name: " + account);
                }
                // "postgres", the server's own administrator, exists already
                if (!roles.contains(account.user()) && !account.user().equals("postgres")) {
                    sql.execute("CREATE ROLE " + ident(account.user()) + " LOGIN" + (account.superuser() ? " SUPERUSER" : "")
                            + (account.password() == null ? "" : " PASSWORD " + literal(account.password())));
                    roles.add(account.user());
                }
                if (!databases.contains(account.database())) {
                    sql.execute("CREATE DATABASE " + ident(account.database()) + " OWNER " + ident(account.user()));
                    databases.add(account.database());
                } else {
                    sql.execute("GRANT ALL ON DATABASE " + ident(account.database()) + " TO " + ident(account.user()));
                }
            }
        }
    }

    /**
     * What the deployment's db-users one-shot does (helm/ladd/files/db-users.psql): as its PGUSER with its PGPASSWORD,
     * on its PGDATABASE, the roles' names and passwords from its environment set as {@code ladd.*} settings, then
     * the db-users.sql it includes.
     */
    void createServiceRoles(Deployment.DbRoles job) throws SQLException {
        Map<String, String> env = job.environment();
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgresPort() + "/"
                + env.get("PGDATABASE"), env.get("PGUSER"), env.get("PGPASSWORD"));
             Statement sql = connection.createStatement()) {
            for (String service : List.of("gateway", "teacher", "trainer", "eval", "inference")) {
                String upper = service.toUpperCase(java.util.Locale.ROOT);
                String user = env.getOrDefault("LADD_DB_USER_" + upper, "");
                sql.execute("SET ladd.user_" + service + " = " + literal(user));
                sql.execute("SET ladd.password_" + service + " = " + literal(env.getOrDefault("LADD_DB_PASSWORD_" + upper, "")));
                if (!user.isBlank() && !roles.contains(user)) {
                    roles.add(user);
                }
            }
            sql.execute(job.script());
        }
    }

    /** Drops what {@link #provision} and {@link #createServiceRoles} created. */
    void reset() throws SQLException {
        try (Connection admin = admin("postgres"); Statement sql = admin.createStatement()) {
            for (String database : databases) {
                sql.execute("DROP DATABASE IF EXISTS " + ident(database) + " WITH (FORCE)");
            }
            for (String role : roles) {
                sql.execute("DROP ROLE IF EXISTS " + ident(role));
            }
        }
        databases.clear();
        roles.clear();
    }

    /** Whether {@code user} can log in with {@code password} (and not without): PostgreSQL checks passwords here. */
    boolean logsIn(String user, String password, String database) {
        try (Connection ignored = DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + postgresPort() + "/" + database, user, password)) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private Connection admin(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + postgresPort() + "/" + database, "postgres", "");
    }

    private static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    @Override
    public void close() throws IOException {
        stopKafka();
        postgres.close();
    }
}
