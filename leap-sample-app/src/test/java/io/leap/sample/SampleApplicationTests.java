package io.leap.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leap.spring.boot.test.EmbeddedLeap;
import io.leap.spring.boot.test.LeapMessageRecorder;
import io.leap.spring.event.LeapMessageEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;

/**
 * The whole sample on an embedded Leap server: {@code @EmbeddedLeap} keeps the test on one even where the
 * configuration points at a real Leap service, and its {@link LeapMessageRecorder} shows what the app's client got.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"sample.publisher.initial-delay=0s", "sample.publisher.interval=200ms"})
@EmbeddedLeap(tokenState = "{\"app\":\"sample\"}")
class SampleApplicationTests {

    @LocalServerPort
    int port;

    @Autowired
    ReceivedOrders received;

    @Autowired
    OrderListener orderListener;

    @Autowired
    LeapMessageRecorder messages;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void publishedOrdersArriveAndActuatorShowsLeap() throws Exception {
        OrderCreated recorded =
                this.messages.await("orders", OrdersChannel.ORDER_CREATED, OrderCreated.class, Duration.ofSeconds(20));
        assertThat(recorded.id()).isPositive();
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(this.received.orders).isNotEmpty());
        OrderCreated order = this.received.orders.get(0);
        assertThat(order.id()).isPositive();
        assertThat(order.product()).isNotBlank();
        // The @LeapListener gets the published orders too, converted to the OrderCreated record.
        await().atMost(Duration.ofSeconds(20)).until(() -> this.orderListener.total() > 0);
        OrderCreated viaLeapListener = this.orderListener.last();
        assertThat(viaLeapListener).isNotNull();
        assertThat(viaLeapListener.id()).isPositive();
        assertThat(viaLeapListener.product()).isNotBlank();
        assertThat(viaLeapListener.amount()).isPositive();
        assertThat(get("/actuator/leaplisteners/orders").body())
                .contains("\"state\":\"running\"")
                .contains("\"orders\"");

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
        // The demo publisher goes through LeapTemplate (Channels REST API of the embedded server). An order can arrive
        // through the socket before the HTTP response that times the call, so the timer is awaited too.
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(
                                get("/actuator/metrics/leap.api.requests?tag=operation:publish&tag=outcome:success")
                                        .statusCode())
                        .isEqualTo(200));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return this.http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
                        .build(),
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
