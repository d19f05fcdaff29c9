package io.leap.spring.boot.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leap.client.ConnectionState;
import io.leap.client.LeapClient;
import io.leap.server.LeapServer;
import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Configuration;

/** A context without auto-configuration, as in a test slice: only {@code @AutoConfigureLeap} brings Leap in. */
class AutoConfigureLeapTests {

    @Configuration(proxyBeanMethods = false)
    static class NoAutoConfiguration {}

    @Nested
    @SpringBootTest(classes = NoAutoConfiguration.class)
    @AutoConfigureLeap
    @EmbeddedLeap(channels = "orders")
    class WithTheAnnotation {

        @Autowired
        LeapClient client;

        @Autowired
        LeapServer server;

        @Autowired
        LeapMessageRecorder messages;

        @Autowired
        ApplicationContext context;

        @Test
        void importsSslBundlesForLeapSslBundleProperties() {
            assertThat(context.getBeanNamesForType(SslBundles.class)).hasSize(1);
        }

        @Test
        void importsLeapsAutoConfiguration() {
            await().atMost(Duration.ofSeconds(10)).until(() -> client.state() == ConnectionState.CONNECTED);
            assertThat(server.channelIds()).containsExactly("orders");
            client.subscribe("orders", Duration.ofSeconds(10));
            server.publish("orders", "order.created", java.util.Map.of("id", 1));
            assertThat(messages.await("orders", "order.created", Duration.ofSeconds(10))
                            .data()
                            .path("id")
                            .asInt())
                    .isEqualTo(1);
        }
    }

    @Nested
    @SpringBootTest(classes = NoAutoConfiguration.class)
    @EmbeddedLeap(channels = "orders")
    class WithoutTheAnnotation {

        @Autowired
        ApplicationContext context;

        @Test
        void hasNoLeapBeans() {
            assertThat(context.getBeanNamesForType(LeapClient.class)).isEmpty();
            assertThat(context.getBeanNamesForType(LeapServer.class)).isEmpty();
            assertThat(context.getBeanNamesForType(LeapMessageRecorder.class)).isEmpty();
        }
    }
}
