package dev.strata.demo.service;

/**
 * A row of the {@code product} table, as the API returns it and as the {@code products} cache keeps
 * it (JSON in Redis).
 *
 * @param id the product id
 * @param name the product name, never null
 * @param priceCents the price in cents
 * @param version incremented by every price update
 */
public record Product(long id, String name, long priceCents, long version) {}
