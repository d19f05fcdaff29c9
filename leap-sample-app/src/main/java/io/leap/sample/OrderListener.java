package io.leap.sample;

import io.leap.spring.annotation.LeapListener;
import io.leap.spring.support.LeapHeaders;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.stereotype.Component;

/**
 * An annotation-driven listener: only {@code order.created} messages of the {@code orders} channel, converted to the
 * {@link OrderCreated} record with the application's JSON mapper. The channel is subscribed automatically. See it at
 * {@code /actuator/leaplisteners} when that endpoint is exposed.
 */
@Component
public class OrderListener {

    private static final Logger logger = LoggerFactory.getLogger(OrderListener.class);

    private final AtomicLong total = new AtomicLong();

    private volatile @Nullable OrderCreated last;

    @LeapListener(id = "orders", channels = "orders", events = "order.created")
    public void onOrderCreated(OrderCreated order, @Header(LeapHeaders.CHANNEL_ID) String channel) {
        this.last = order;
        long count = this.total.incrementAndGet();
        logger.info(
                "@LeapListener got order #{} ({} for {}) on '{}'; {} so far",
                order.id(),
                order.product(),
                order.amount(),
                channel,
                count);
    }

    /** @return how many orders this listener has handled */
    public long total() {
        return this.total.get();
    }

    /** @return the last order this listener handled, or {@code null} before the first */
    public @Nullable OrderCreated last() {
        return this.last;
    }
}
