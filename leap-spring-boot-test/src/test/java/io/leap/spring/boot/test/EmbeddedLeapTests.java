package io.leap.spring.boot.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.leap.client.ConnectionState;
import io.leap.client.LeapClient;
import io.leap.client.LeapMessage;
import io.leap.server.LeapServer;
import io.leap.spring.core.LeapTemplate;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Configuration;

@SpringBootTest(
        classes = EmbeddedLeapTests.App.class,
        properties = {
            "leap.channels=orders",
            // The application's own configuration points elsewhere: @EmbeddedLeap takes precedence.
            "leap.embedded.enabled=false",
            "leap.url=ws://localhost:1/ws"
        })
@EmbeddedLeap(
        channels = {"orders", "audit"},
        tokenState = "{\"user\":\"tester\"}")
class EmbeddedLeapTests {

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {}

    record Order(int id, String item) {}

    @Autowired
    LeapServer server;

    @Autowired
    LeapClient client;

    @Autowired
    LeapMessageRecorder messages;

    @Autowired
    LeapTemplate template;

    @BeforeEach
    void connected() {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> client.state() == ConnectionState.CONNECTED
                        && client.channels().contains("orders"));
        messages.clear();
    }

    @Test
    void startsTheServerWithTheChannelsAndTheTokenState() {
        assertThat(server.channelIds()).contains("orders", "audit");
        assertThat(client.init())
                .hasValueSatisfying(init ->
                        assertThat(init.metadata().path("user").asString()).isEqualTo("tester"));
        assertThat(server.connectionCount()).isEqualTo(1);
    }

    @Test
    void recordsWhatTheServerPublishes() {
        server.publish("orders", "order.created", Map.of("id", 7, "item", "tea"));

        Order order = messages.await("orders", "order.created", Order.class, Duration.ofSeconds(10));

        assertThat(order).isEqualTo(new Order(7, "tea"));
    }

    @Test
    void recordsWhatLeapTemplatePublishes() {
        template.publish("orders", "order.shipped", Map.of("id", 8, "item", "cake"));

        LeapMessage message = messages.await("orders", "order.shipped", Duration.ofSeconds(10));

        assertThat(message.data().path("item").asString()).isEqualTo("cake");
    }

    @Test
    void awaitFailsWithWhatDidArrive() {
        server.publish("orders", "order.created", Map.of("id", 9, "item", "jam"));
        messages.await("orders", "order.created", Duration.ofSeconds(10));

        assertThatThrownBy(() -> messages.await("orders", "order.cancelled", Duration.ofMillis(200)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("No message with event 'order.cancelled' on channel 'orders'")
                .hasMessageContaining("[orders order.created]");
    }
}
