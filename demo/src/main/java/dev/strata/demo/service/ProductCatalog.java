package dev.strata.demo.service;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The product table behind the {@code products} cache: reads go through {@code @Cacheable}, price
 * updates are written through (the row first, then the cache, so every instance sees the new price
 * once the invalidation message arrives). Counts the product SELECTs it runs. Thread-safe.
 */
class ProductCatalog {

  static final String CACHE = "products";

  private static final RowMapper<Product> ROW =
      (rs, n) ->
          new Product(
              rs.getLong("id"),
              rs.getString("name"),
              rs.getLong("price_cents"),
              rs.getLong("version"));

  private final JdbcTemplate jdbc;
  private final TransactionTemplate transactions;
  private final CacheManager caches;
  private final AtomicLong selects = new AtomicLong();

  ProductCatalog(JdbcTemplate jdbc, TransactionTemplate transactions, CacheManager caches) {
    this.jdbc = jdbc;
    this.transactions = transactions;
    this.caches = caches;
  }

  /**
   * Returns the product, from the cache when it has it.
   *
   * @param id the product id
   * @return the product, or null when there is none (cached as a negative entry)
   */
  @Cacheable(cacheNames = CACHE, sync = true)
  public @Nullable Product find(long id) {
    return select(id);
  }

  /**
   * Sets a product's price and increments its version, then puts the new row into the cache (which
   * drops the other instances' local copies). Concurrent updates of one product on several
   * instances cannot leave an older version in the cache: after its put, each writer reads the
   * version back and puts again while the database holds a newer one.
   *
   * @param id the product id
   * @param priceCents the new price
   * @return the updated product, or null when there is no such product
   */
  public @Nullable Product updatePrice(long id, long priceCents) {
    Product updated =
        transactions.execute(
            status ->
                jdbc.update(
                            "UPDATE product SET price_cents = ?, version = version + 1 WHERE id = ?",
                            priceCents,
                            id)
                        == 0
                    ? null
                    : select(id));
    if (updated == null) {
      return null;
    }
    Cache cache = Objects.requireNonNull(caches.getCache(CACHE), CACHE);
    Product cached = updated;
    while (true) {
      cache.put(id, cached);
      Product current = select(id);
      if (current == null || current.version() <= cached.version()) {
        return updated;
      }
      cached = current;
    }
  }

  /**
   * Returns how many product SELECTs this instance has run.
   *
   * @return the count since startup
   */
  long selectCount() {
    return selects.get();
  }

  private @Nullable Product select(long id) {
    selects.incrementAndGet();
    List<Product> rows =
        jdbc.query("SELECT id, name, price_cents, version FROM product WHERE id = ?", ROW, id);
    return rows.isEmpty() ? null : rows.get(0);
  }
}
