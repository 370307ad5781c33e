package dev.muster.agent.migrate;

import dev.muster.agent.db.Connections;
import dev.muster.common.config.DatabaseConfig;
import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The connections Flyway runs on, to this region's database. While {@link #keepIdle} is on,
 * a connection Flyway closes stays open, idle — no transaction, no lock — for the next
 * command, so that a released migration starts without logging in, on a server process
 * whose catalog caches are warm already.
 */
final class RunConnections implements AutoCloseable {

    private static final int VALIDITY_TIMEOUT_SECONDS = 2;

    private final DatabaseConfig database;
    private final Deque<Connection> idle = new ArrayDeque<>();
    private boolean keepIdle;

    RunConnections(DatabaseConfig database) {
        this.database = database;
    }

    /** Whether connections Flyway closes stay open for the next command; off closes those kept. */
    synchronized void keepIdle(boolean keep) {
        keepIdle = keep;
        if (!keep) {
            close();
        }
    }

    /** Closes the idle connections; after a failed run none of its sessions is trusted again. */
    @Override
    public synchronized void close() {
        while (!idle.isEmpty()) {
            closeQuietly(idle.pop());
        }
    }

    /** For one Flyway command: each commit on a connection it hands out is told to {@code commits}. */
    DataSource watched(Consumer<Connection> commits) {
        return new Watched(commits);
    }

    /** For one Flyway command whose commits nobody watches. */
    DataSource unwatched() {
        return watched(connection -> {});
    }

    private Connection open() throws SQLException {
        synchronized (this) {
            while (!idle.isEmpty()) {
                Connection kept = idle.pop();
                if (kept.isValid(VALIDITY_TIMEOUT_SECONDS)) {
                    return kept;
                }
                closeQuietly(kept);
            }
        }
        return DriverManager.getConnection(database.url(), Connections.login(database.user(), database.password()));
    }

    /** Back to the idle ones if clean and wanted; closed otherwise. */
    private void giveBack(Connection connection) {
        synchronized (this) {
            try {
                if (keepIdle && !connection.isClosed() && connection.getAutoCommit()) {
                    idle.push(connection);
                    return;
                }
            } catch (SQLException e) {
                // not reusable: close it
            }
        }
        closeQuietly(connection);
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            // it is gone either way
        }
    }

    /** One connection as Flyway holds it, from getConnection to close. */
    private final class Lease implements InvocationHandler {

        private final Connection connection;
        private final Consumer<Connection> commits;
        private boolean closed;

        Lease(Connection connection, Consumer<Connection> commits) {
            this.connection = connection;
            this.commits = commits;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "close" -> {
                    if (!closed) {
                        closed = true;
                        giveBack(connection);
                    }
                    return null;
                }
                case "isClosed" -> {
                    return closed || connection.isClosed();
                }
                default -> {
                    // fall through to the connection itself
                }
            }
            if (closed) {
                throw new SQLException("this connection was closed");
            }
            Object result;
            try {
                result = method.invoke(connection, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (method.getName().equals("commit")) {
                commits.accept((Connection) proxy);
            }
            return result;
        }
    }

    private final class Watched implements DataSource {

        private final Consumer<Connection> commits;

        Watched(Consumer<Connection> commits) {
            this.commits = commits;
        }

        @Override
        public Connection getConnection() throws SQLException {
            return (Connection) Proxy.newProxyInstance(
                    Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, new Lease(open(), commits));
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            throw new SQLFeatureNotSupportedException("the agent logs in as its configuration says");
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {}

        @Override
        public void setLoginTimeout(int seconds) {}

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }
}
