package dev.strata.demo.service;

/**
 * One line of a cart, kept in the session under the attribute {@code cart.<itemId>} so that two
 * instances adding different items to one cart at once never overwrite each other (the session
 * store saves changed attributes only).
 *
 * @param itemId the id the client chose for the line (a retried PUT replaces the same line)
 * @param productId the product
 * @param quantity how many, at least 1
 */
public record CartItem(String itemId, long productId, int quantity) {}
