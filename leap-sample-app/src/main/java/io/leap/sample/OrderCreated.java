package io.leap.sample;

import java.math.BigDecimal;

/**
 * Payload of the demo {@code order.created} messages on the {@code orders} channel.
 *
 * @param id order number
 * @param product what was ordered
 * @param amount the price
 */
public record OrderCreated(long id, String product, BigDecimal amount) {}
