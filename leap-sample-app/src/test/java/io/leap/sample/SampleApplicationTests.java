package io.leap.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.leap.spring.event.LeapMessageEvent;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "sample.publisher.initial-delay=0s", "sample.publisher.interval=200ms" })
class SampleApplicationTests {

	@LocalServerPort
	int port;

	@Autowired
	ReceivedOrders received;

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void publishedOrdersArriveAndActuatorShowsLeap() throws Exception {
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(this.received.orders).isNotEmpty());
		OrderCreated order = this.received.orders.get(0);
		assertThat(order.id()).isPositive();
		assertThat(order.product()).isNotBlank();

		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			HttpResponse<String> health = get("/actuator/health/leap");
			assertThat(health.statusCode()).isEqualTo(200);
			assertThat(health.body()).contains("\"status\":\"UP\"").contains("\"state\":\"CONNECTED\"");
		});
		HttpResponse<String> metric = get("/actuator/metrics/leap.messages.received");
		assertThat(metric.statusCode()).isEqualTo(200);
		assertThat(metric.body()).contains("\"name\":\"leap.messages.received\"");
		assertThat(get("/actuator/metrics/leap.connection.up").body()).contains("\"value\":1.0");
		assertThat(get("/actuator/health").body()).doesNotContain("leap_token_");
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	@TestConfiguration
	static class Config {

		@Bean
		ReceivedOrders receivedOrders() {
			return new ReceivedOrders();
		}

	}

	static class ReceivedOrders {

		final List<OrderCreated> orders = new CopyOnWriteArrayList<>();

		@EventListener(condition = "#event.channelId == 'orders'")
		void on(LeapMessageEvent event) {
			this.orders.add(event.getData(OrderCreated.class));
		}

	}

}
