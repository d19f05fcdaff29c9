package io.leap.sample;

import io.leap.client.ChannelEvent;
import io.leap.spring.event.LeapChannelEvent;
import io.leap.spring.event.LeapConnectionStateChangedEvent;
import io.leap.spring.event.LeapMessageEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Async;
import org.springframework.stereotype.Component;

/**
 * Plain Spring {@code @EventListener} methods receiving what arrives from Leap.
 */
@Component
public class LeapEventLogger {

    private static final Logger logger = LoggerFactory.getLogger(LeapEventLogger.class);

    /** Only {@code order.created} messages on the {@code orders} channel, converted to a record. */
    @EventListener(condition = "#event.channelId == 'orders' and #event.event == 'order.created'")
    public void onOrderCreated(LeapMessageEvent event) {
        OrderCreated order = event.getData(OrderCreated.class);
        logger.info("Order #{} received: {} for {}", order.id(), order.product(), order.amount());
    }

    /** Every other message, as raw JSON; runs on Spring's task executor ({@code @Async}). */
    @Async
    @EventListener(condition = "#event.channelId != 'orders'")
    public void onOtherMessage(LeapMessageEvent event) {
        logger.info(
                "{} '{}' on {}: {}",
                event.isDirect() ? "Direct message" : "Message",
                event.getEvent(),
                event.isDirect() ? "this token" : event.getChannelId(),
                event.getRawData());
    }

    /** Channel state updates only, thanks to the generic event type. */
    @EventListener
    public void onStateUpdate(LeapChannelEvent<ChannelEvent.StateUpdate> event) {
        logger.info(
                "State of channel {} is now {}",
                event.getChannelId(),
                event.getEvent().state());
    }

    /** Every other channel event. */
    @EventListener(condition = "#event.type != 'StateUpdate'")
    public void onChannelEvent(LeapChannelEvent<?> event) {
        logger.info("Channel event {} on {}", event.getType(), event.getChannelId());
    }

    @EventListener
    public void onConnectionState(LeapConnectionStateChangedEvent event) {
        if (event.getError() != null) {
            logger.warn(
                    "Leap connection {} -> {} ({}), will reconnect: {}",
                    event.getPrevious(),
                    event.getCurrent(),
                    event.getError().getMessage(),
                    event.isWillReconnect());
        } else {
            logger.info("Leap connection {} -> {}", event.getPrevious(), event.getCurrent());
        }
    }
}
