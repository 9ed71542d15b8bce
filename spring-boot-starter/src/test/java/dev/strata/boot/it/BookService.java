package dev.strata.boot.it;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Book titles from the database, cached in the Strata cache "books". */
@Service
public class BookService {

  private final JdbcTemplate jdbc;
  private final String table;
  private final boolean initialise;
  private final AtomicInteger queries = new AtomicInteger();
  private volatile CountDownLatch gate = new CountDownLatch(0);

  BookService(
      JdbcTemplate jdbc,
      @Value("${app.books-table}") String table,
      @Value("${app.init-db:true}") boolean initialise) {
    this.jdbc = jdbc;
    this.table = table;
    this.initialise = initialise;
  }

  @PostConstruct
  void createTable() {
    if (initialise) {
      jdbc.execute("create table " + table + " (id bigint primary key, title varchar(100))");
      jdbc.update("insert into " + table + " values (1, 'Dune'), (2, 'Emma'), (100, 'Ulysses')");
    }
  }

  @PreDestroy
  void dropTable() {
    if (initialise) {
      jdbc.execute("drop table " + table);
    }
  }

  @Cacheable(cacheNames = "books", sync = true)
  public String title(long id) throws InterruptedException {
    queries.incrementAndGet();
    gate.await();
    return jdbc.queryForObject("select title from " + table + " where id = ?", String.class, id);
  }

  @Transactional
  @CacheEvict(cacheNames = "books", key = "#id")
  public void rename(long id, String title) {
    jdbc.update("update " + table + " set title = ? where id = ?", title, id);
  }

  /** Returns how many queries {@link #title} ran (the service is proxied: use methods). */
  public int queryCount() {
    return queries.get();
  }

  /** Makes {@link #title} wait for {@code gate} before querying. */
  public void holdQueriesUntil(CountDownLatch gate) {
    this.gate = gate;
  }

  public String titleInDatabase(long id) {
    return jdbc.queryForObject("select title from " + table + " where id = ?", String.class, id);
  }
}
