package io.leap.sample;

import io.leap.client.ChannelType;
import io.leap.client.rest.LeapChannel;
import io.leap.spring.autoconfigure.LeapConnectionDetails;
import io.leap.spring.core.LeapOperations;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * Makes sure the {@code orders} channel exists as a <em>private</em> channel before the Leap client connects: a private
 * channel can only be read by tokens that were subscribed to it through the Channels REST API (protocol spec §7.2), so
 * the token handed to the live page reads {@code orders} and nothing else. The application's own token is subscribed
 * here too; its connection then gets the channel in {@code INIT} and its {@code @LeapListener} subscribes as usual.
 *
 * <p>Runs once all singletons exist, which is before the context starts the client's connection. It needs
 * {@link LeapOperations} (embedded mode, or {@code leap.api.token}); without it, {@code orders} must already exist on
 * the Leap server and this does nothing. A channel that already exists keeps its type; a public one is logged,
 * because every token of the project may read a public channel.
 */
@Component
public class OrdersChannel implements SmartInitializingSingleton {

    /** The channel the demo orders go to. */
    public static final String ID = "orders";

    /** The event name of a demo order. */
    public static final String ORDER_CREATED = "order.created";

    private static final Logger logger = LoggerFactory.getLogger(OrdersChannel.class);

    private final ObjectProvider<LeapOperations> leap;

    private final ObjectProvider<LeapConnectionDetails> connectionDetails;

    public OrdersChannel(ObjectProvider<LeapOperations> leap, ObjectProvider<LeapConnectionDetails> connectionDetails) {
        this.leap = leap;
        this.connectionDetails = connectionDetails;
    }

    @Override
    public void afterSingletonsInstantiated() {
        LeapOperations leap = this.leap.getIfAvailable();
        if (leap == null) {
            logger.info(
                    "No LeapOperations (set leap.api.token): channel '{}' must already exist on the Leap server", ID);
            return;
        }
        Optional<LeapChannel> existing = leap.findChannel(ID);
        if (existing.isEmpty()) {
            leap.createChannel(ID, ChannelType.PRIVATE, null);
            logger.info("Created the private channel '{}'", ID);
        } else if (existing.get().type() != ChannelType.PRIVATE) {
            logger.warn(
                    "Channel '{}' is {}: every token of the project, the live page's included, may read it",
                    ID,
                    existing.get().type().wireValue());
        }
        LeapConnectionDetails details = this.connectionDetails.getIfAvailable();
        String token = (details != null) ? details.getToken() : null;
        if (token != null && !token.isBlank()) {
            leap.subscribeToken(ID, token);
        }
    }
}
