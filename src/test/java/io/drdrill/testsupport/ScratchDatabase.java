package io.drdrill.testsupport;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/**
 * A database of its own on the local PostgreSQL (127.0.0.1:5432, user postgres, trust authentication), named
 * uniquely so that parallel test runs never meet, and dropped when closed.
 */
public final class ScratchDatabase implements AutoCloseable {

    public static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    public static final String USER = "postgres";

    private final String name;

    private ScratchDatabase(String name) {
        this.name = name;
    }

    /** A fresh name with this prefix; the database is not created (a recall script may do that). */
    public static ScratchDatabase named(String prefix) {
        byte[] random = new byte[5];
        new SecureRandom().nextBytes(random);
        return new ScratchDatabase(prefix + "_" + HexFormat.of().formatHex(random));
    }

    /** Creates a fresh database and runs {@code sql} in it. */
    public static ScratchDatabase create(String prefix, String... sql) throws SQLException {
        ScratchDatabase db = named(prefix);
        try (Connection server = DriverManager.getConnection(SERVER + "postgres", USER, "");
             Statement statement = server.createStatement()) {
            statement.execute("CREATE DATABASE " + db.name);
        }
        db.execute(sql);
        return db;
    }

    public String name() {
        return name;
    }

    public String url() {
        return SERVER + name;
    }

    public void execute(String... sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url(), USER, "");
             Statement statement = connection.createStatement()) {
            for (String one : sql) {
                statement.execute(one);
            }
        }
    }

    @Override
    public void close() throws SQLException {
        try (Connection server = DriverManager.getConnection(SERVER + "postgres", USER, "");
             Statement statement = server.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }
}
