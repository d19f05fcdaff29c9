package io.leap.sample;

import io.leap.client.ConnectionState;
import io.leap.client.LeapClient;
import io.leap.spring.core.LeapOperations;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Publishes a demo order every few seconds so that something visibly flows. It publishes through {@link LeapOperations}
 * (the auto-configured {@code LeapTemplate}, i.e. the Channels REST API), which exists in embedded mode and whenever
 * {@code leap.api.token} is set; the record is converted by Boot's JSON mapper. Without it, it falls back to the
 * client's socket ({@code MESSAGE}), which needs the client to be connected. Every fifth order also patches the
 * channel state. Switch it off with {@code sample.publisher.enabled=false}.
 */
@Component
@ConditionalOnBooleanProperty(name = "sample.publisher.enabled", matchIfMissing = true)
public class DemoPublisher {

    static final String CHANNEL = OrdersChannel.ID;

    static final String EVENT = OrdersChannel.ORDER_CREATED;

    private static final Logger logger = LoggerFactory.getLogger(DemoPublisher.class);

    private final @Nullable LeapOperations leap;

    private final LeapClient client;

    private final OrderDesk orderDesk;

    public DemoPublisher(ObjectProvider<LeapOperations> leap, LeapClient client, OrderDesk orderDesk) {
        this.leap = leap.getIfAvailable();
        this.client = client;
        this.orderDesk = orderDesk;
        if (this.leap == null) {
            logger.info("No LeapOperations (set leap.api.token to publish through the Channels REST API); "
                    + "demo orders are published through the client's socket");
        }
    }

    @Scheduled(
            initialDelayString = "${sample.publisher.initial-delay:1s}",
            fixedDelayString = "${sample.publisher.interval:3s}")
    public void publish() {
        if (this.leap == null && this.client.state() != ConnectionState.CONNECTED) {
            logger.debug("Not connected to Leap; skipping this demo order");
            return;
        }
        OrderCreated order = this.orderDesk.nextOrder();
        long id = order.id();
        if (this.leap != null) {
            this.leap.publishAsync(CHANNEL, EVENT, order).exceptionally((error) -> {
                logger.warn("Could not publish demo order #{}: {}", id, error.getMessage());
                return null;
            });
            if (id % 5 == 0) {
                this.leap
                        .patchChannelStateAsync(CHANNEL, Map.of("lastOrder", id))
                        .exceptionally((error) -> {
                            logger.warn("Could not update the state of channel {}: {}", CHANNEL, error.getMessage());
                            return null;
                        });
            }
        } else {
            this.client.publishAsync(CHANNEL, EVENT, order).exceptionally((error) -> {
                logger.warn("Could not publish demo order #{}: {}", id, error.getMessage());
                return null;
            });
        }
    }
}
