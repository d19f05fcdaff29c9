package io.leap.sample;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import io.leap.client.ConnectionState;
import io.leap.client.LeapClient;
import io.leap.server.LeapServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Publishes a demo order every few seconds so that something visibly flows. In embedded mode it publishes through the
 * embedded server (as the Channels REST API would); otherwise through the client's socket ({@code MESSAGE}), which
 * needs the client to be subscribed to the channel. Switch it off with {@code sample.publisher.enabled=false}.
 */
@Component
@ConditionalOnBooleanProperty(name = "sample.publisher.enabled", matchIfMissing = true)
public class DemoPublisher {

	static final String CHANNEL = "orders";

	static final String EVENT = "order.created";

	private static final Logger logger = LoggerFactory.getLogger(DemoPublisher.class);

	private static final List<String> PRODUCTS = List.of("coffee", "bagel", "croissant", "tea", "muffin");

	private final ObjectProvider<LeapServer> embeddedServer;

	private final LeapClient client;

	private final AtomicLong orders = new AtomicLong();

	public DemoPublisher(ObjectProvider<LeapServer> embeddedServer, LeapClient client) {
		this.embeddedServer = embeddedServer;
		this.client = client;
	}

	@Scheduled(initialDelayString = "${sample.publisher.initial-delay:1s}",
			fixedDelayString = "${sample.publisher.interval:3s}")
	public void publish() {
		if (this.client.state() != ConnectionState.CONNECTED) {
			logger.debug("Not connected to Leap; skipping this demo order");
			return;
		}
		long id = this.orders.incrementAndGet();
		String product = PRODUCTS.get(ThreadLocalRandom.current().nextInt(PRODUCTS.size()));
		BigDecimal amount = BigDecimal.valueOf(ThreadLocalRandom.current().nextDouble(1, 10))
			.setScale(2, RoundingMode.HALF_UP);
		OrderCreated order = new OrderCreated(id, product, amount);
		LeapServer server = this.embeddedServer.getIfAvailable();
		if (server != null) {
			server.publish(CHANNEL, EVENT, order);
			if (id % 5 == 0) {
				server.setChannelState(CHANNEL, Map.of("lastOrder", id));
			}
		}
		else {
			this.client.publish(CHANNEL, EVENT, order).exceptionally((error) -> {
				logger.warn("Could not publish demo order #{}: {}", id, error.getMessage());
				return null;
			});
		}
	}

}
