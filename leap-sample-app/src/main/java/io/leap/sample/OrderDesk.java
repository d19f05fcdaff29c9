package io.leap.sample;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/**
 * Makes up the demo orders: one sequence of order numbers shared by the {@link DemoPublisher} and the live page's
 * "publish an order" button, so that every order on the {@code orders} channel has its own number.
 */
@Component
public class OrderDesk {

    private static final List<String> PRODUCTS = List.of("coffee", "bagel", "croissant", "tea", "muffin");

    private final AtomicLong orders = new AtomicLong();

    /** @return a new order with the next number, a random product and a random amount */
    public OrderCreated nextOrder() {
        long id = this.orders.incrementAndGet();
        String product = PRODUCTS.get(ThreadLocalRandom.current().nextInt(PRODUCTS.size()));
        BigDecimal amount = BigDecimal.valueOf(ThreadLocalRandom.current().nextDouble(1, 10))
                .setScale(2, RoundingMode.HALF_UP);
        return new OrderCreated(id, product, amount);
    }
}
