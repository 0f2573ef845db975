package dev.ladd.platform.test;

import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A service's Flyway migrations on a fresh embedded PostgreSQL database, in steps: migrate to a version, put rows in
 * the form of that version, migrate to the latest and check what the next migration made of them.
 */
public final class TestMigrations {

    private final String url = TestPostgres.newDatabase();
    private final String schema;
    public final JdbcTemplate jdbc;

    /** @param schema the service's schema ({@code spring.flyway.schemas}) */
    public TestMigrations(String schema) {
        this.schema = schema;
        this.jdbc = new JdbcTemplate(new DriverManagerDataSource(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema, "postgres", ""));
    }

    /** Migrates to {@code version} ("latest" for every migration), with the locations the services use. */
    public TestMigrations migrateTo(String version) {
        Flyway.configure().dataSource(url, "postgres", "").schemas(schema).defaultSchema(schema)
                .locations("classpath:db/platform", "classpath:db/migration").target(version).load().migrate();
        return this;
    }
}
