package dev.strata.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class TestDatabasesTest {

  @Test
  void h2RoundTripsARowAndKeepsTheDatabaseBetweenConnections() throws SQLException {
    DataSource h2 = TestDatabases.h2(TestDatabases.uniqueName("h2test"));
    try (Connection connection = h2.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE item (id BIGINT PRIMARY KEY, name VARCHAR(50))");
      statement.execute("INSERT INTO item VALUES (1, 'one')");
    }

    assertThat(readName(h2, 1)).isEqualTo("one");
  }

  @Test
  void h2DatabasesWithDifferentNamesAreIsolated() throws SQLException {
    DataSource first = TestDatabases.h2(TestDatabases.uniqueName("iso"));
    DataSource second = TestDatabases.h2(TestDatabases.uniqueName("iso"));
    try (Connection connection = first.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE item (id BIGINT PRIMARY KEY, name VARCHAR(50))");
    }

    assertThatThrownBy(() -> readName(second, 1)).isInstanceOf(SQLException.class);
  }

  @Test
  void uniqueNamesAreLowerCaseIdentifiersThatDoNotRepeat() {
    String a = TestDatabases.uniqueName("Orders");
    String b = TestDatabases.uniqueName("Orders");

    assertThat(a).matches("orders_[0-9a-f]{10}").isNotEqualTo(b);
  }

  @Test
  void rejectsNamesThatCouldEscapeTheUrlOrSql() {
    assertThatThrownBy(() -> TestDatabases.h2("x;INIT=RUNSCRIPT FROM 'evil'"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("x;INIT");
    assertThatThrownBy(() -> TestDatabases.uniqueName("drop table"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("drop table");
  }

  @Test
  void postgresFreshSchemasAreIsolated() throws SQLException {
    DataSource first = TestDatabases.postgresWithFreshSchema();
    DataSource second = TestDatabases.postgresWithFreshSchema();
    try (Connection connection = first.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE item (id BIGINT PRIMARY KEY, name VARCHAR(50))");
      statement.execute("INSERT INTO item VALUES (1, 'one')");
    }

    assertThat(readName(first, 1)).isEqualTo("one");
    assertThatThrownBy(() -> readName(second, 1)).isInstanceOf(SQLException.class);
    assertThat(TestDatabases.postgresAvailable()).isTrue();
  }

  private static String readName(DataSource dataSource, long id) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT name FROM item WHERE id = " + id)) {
      assertThat(rows.next()).isTrue();
      return rows.getString(1);
    }
  }
}
