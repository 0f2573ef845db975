package dev.ladd.deploy;

import dev.ladd.platform.test.TestPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * helm/ladd/files/db-users.sql — what docker-compose's db-users service and the chart's Job run — on a real PostgreSQL
 * with the services' own migrations: each service gets a role owning its schema, its Flyway migrations run as that
 * role, no role can touch another's schema, a second run changes only the passwords, and a database set up with one
 * shared user is handed over to the service roles.
 */
class DatabaseRolesTest {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path SCRIPT = ROOT.resolve("helm/ladd/files/db-users.sql");
    static final List<String> SERVICES = List.of("gateway", "teacher", "trainer", "eval", "inference");

    /** A fresh database with a suffix of its own for the role names (roles are global to the server). */
    private final String database = TestPostgres.newDatabase();
    private final String suffix = "_" + UUID.randomUUID().toString().substring(0, 8);

    private String role(String service) {
        return "ladd_" + service + suffix;
    }

    private Connection superuser() throws SQLException {
        return TestPostgres.server().getDatabase("postgres", databaseName()).getConnection();
    }

    private String databaseName() {
        return database.replaceAll("^.*/([^/?]+).*$", "$1");
    }

    /** Runs the script as the superuser with the given passwords (null: that setting left out). */
    private void runScript(Map<String, String> passwords) throws Exception {
        try (Connection c = superuser(); Statement s = c.createStatement()) {
            for (String service : SERVICES) {
                s.execute("SET ladd.user_" + service + " = '" + role(service) + "'");
                if (passwords.get(service) != null) {
                    s.execute("SET ladd.password_" + service + " = '" + passwords.get(service) + "'");
                }
            }
            s.execute(Files.readString(SCRIPT, StandardCharsets.UTF_8));
        }
    }

    private static Map<String, String> passwords(String prefix) {
        Map<String, String> passwords = new LinkedHashMap<>();
        SERVICES.forEach(service -> passwords.put(service, prefix + "-" + service + "-" + UUID.randomUUID()));
        return passwords;
    }

    /** A service's own migrations (platform-support's and its module's), run by Flyway as {@code user}. */
    private void migrate(String service, String user) {
        // a URL without the user=postgres that TestPostgres's carries (the URL's would win)
        String url = "jdbc:postgresql://localhost:" + TestPostgres.server().getPort() + "/" + databaseName();
        DataSource dataSource = new org.springframework.jdbc.datasource.DriverManagerDataSource(url, user, "");
        Flyway.configure().dataSource(dataSource).schemas(service).defaultSchema(service)
                .locations("filesystem:" + ROOT.resolve("platform-support/src/main/resources/db/platform"),
                        "filesystem:" + ROOT.resolve(service + "-service/src/main/resources/db/migration"))
                .load().migrate();
    }

    private List<String> ownersOf(String schema) throws SQLException {
        List<String> owners = new ArrayList<>();
        try (Connection c = superuser(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT DISTINCT pg_get_userbyid(c.relowner) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE n.nspname = '" + schema + "' UNION SELECT pg_get_userbyid(nspowner) FROM pg_namespace"
                        + " WHERE nspname = '" + schema + "'")) {
            while (rs.next()) {
                owners.add(rs.getString(1));
            }
        }
        return owners;
    }

    private void execute(String user, String sql) throws SQLException {
        try (Connection c = TestPostgres.server().getDatabase(user, databaseName()).getConnection();
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Test
    void eachServiceOwnsItsSchemaMigratesItAsItsOwnRoleAndCannotTouchAnothers() throws Exception {
        runScript(passwords("first"));
        for (String service : SERVICES) {
            migrate(service, role(service));
            assertThat(ownersOf(service)).as(service).containsExactly(role(service));
        }
        execute(role("gateway"), "SELECT count(*) FROM gateway.api_key");
        assertThatThrownBy(() -> execute(role("gateway"), "SELECT count(*) FROM teacher.teacher"))
                .as("the gateway reads the teacher's table").hasMessageContaining("permission denied for schema teacher");
        assertThatThrownBy(() -> execute(role("trainer"), "DELETE FROM gateway.api_key"))
                .hasMessageContaining("permission denied for schema gateway");
        assertThatThrownBy(() -> execute(role("eval"), "CREATE TABLE public.x (i int)"))
                .hasMessageContaining("permission denied for schema public");
        assertThatThrownBy(() -> execute(role("eval"), "CREATE SCHEMA another"))
                .hasMessageContaining("permission denied for database");
        try (Connection c = superuser(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT bool_or(rolsuper OR rolcreaterole OR rolcreatedb) FROM pg_roles WHERE rolname LIKE 'ladd\\\\_%"
                        + suffix + "'")) {
            rs.next();
            assertThat(rs.getBoolean(1)).as("no service role may create roles, databases or be a superuser").isFalse();
        }
    }

    @Test
    void runningItAgainChangesThePasswordsAndNothingElse() throws Exception {
        runScript(passwords("first"));
        migrate("gateway", role("gateway"));
        String before = password(role("gateway"));
        runScript(passwords("second"));
        assertThat(password(role("gateway"))).as("a new password").isNotEqualTo(before).startsWith("SCRAM-SHA-256$");
        assertThat(ownersOf("gateway")).containsExactly(role("gateway"));
        migrate("gateway", role("gateway"));   // nothing to do, nothing broken
    }

    private String password(String role) throws SQLException {
        try (Connection c = superuser(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT rolpassword FROM pg_authid WHERE rolname = '" + role + "'")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void aDatabaseSetUpWithOneSharedUserIsHandedToTheServiceRoles() throws Exception {
        String shared = "ladd_shared" + suffix;
        try (Connection c = superuser(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + shared + " LOGIN");
            s.execute("GRANT CREATE ON DATABASE " + databaseName() + " TO " + shared);
        }
        migrate("trainer", shared);   // as every service ran before: one user, owner of every schema
        migrate("inference", shared);
        assertThat(ownersOf("trainer")).containsExactly(shared);

        runScript(passwords("handover"));
        assertThat(ownersOf("trainer")).containsExactly(role("trainer"));
        assertThat(ownersOf("inference")).containsExactly(role("inference"));
        migrate("trainer", role("trainer"));
        execute(role("trainer"), "INSERT INTO trainer.processed_event (event_id, event_type, producer) VALUES ('e', 't', 'p')");
        execute(role("inference"), "SELECT nextval('inference.outbox_event_id_seq')");
        assertThatThrownBy(() -> execute(shared, "SELECT count(*) FROM trainer.run"))
                .as("the old shared user keeps nothing").hasMessageContaining("permission denied");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gateway", "eval"})
    void aMissingOrShortPasswordIsRefusedNamingIt(String service) throws Exception {
        Map<String, String> missing = passwords("first");
        missing.put(service, null);
        assertThatThrownBy(() -> runScript(missing)).hasMessageContaining("ladd.password_" + service
                + " (LADD_DB_PASSWORD_" + service.toUpperCase() + ") is not set or shorter than 16 characters");
        Map<String, String> tooShort = passwords("first");
        tooShort.put(service, "short");
        assertThatThrownBy(() -> runScript(tooShort)).hasMessageContaining("LADD_DB_PASSWORD_" + service.toUpperCase());
    }

    /** The psql wrapper compose and the chart run, where psql is installed: names and passwords from the environment. */
    @Test
    void thePsqlWrapperTakesEverythingFromTheEnvironment() throws Exception {
        Optional<Path> psql = ComposeFileTest.onPath("psql");
        assumeTrue(psql.isPresent(), "psql is not installed here (Debian: postgresql-client); the SQL itself is tested above");
        ProcessBuilder builder = new ProcessBuilder(psql.get().toString(), "-f",
                ROOT.resolve("helm/ladd/files/db-users.psql").toString()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("PGHOST", "localhost");
        env.put("PGPORT", String.valueOf(TestPostgres.server().getPort()));
        env.put("PGUSER", "postgres");
        env.put("PGDATABASE", databaseName());
        Map<String, String> passwords = passwords("psql");
        for (String service : SERVICES) {
            env.put("LADD_DB_USER_" + service.toUpperCase(), role(service));
            env.put("LADD_DB_PASSWORD_" + service.toUpperCase(), passwords.get(service));
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("LADD database roles are in place").doesNotContain(passwords.get("gateway"));
        migrate("eval", role("eval"));
        assertThat(ownersOf("eval")).containsExactly(role("eval"));

        env.remove("LADD_DB_PASSWORD_TRAINER");
        Process missing = builder.start();
        String refused = new String(missing.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(missing.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(missing.exitValue()).isNotZero();
        assertThat(refused).contains("LADD_DB_PASSWORD_TRAINER");
    }
}
