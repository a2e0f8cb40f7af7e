package io.cellhub.store;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

/** One unit of JDBC work in a transaction of its own: committed when it returns, rolled back when it throws. */
public final class JdbcTransaction {

    /** Work on a connection whose commit this class owns. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private JdbcTransaction() {
    }

    public static <T> T run(DataSource dataSource, Work<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        }
    }
}
