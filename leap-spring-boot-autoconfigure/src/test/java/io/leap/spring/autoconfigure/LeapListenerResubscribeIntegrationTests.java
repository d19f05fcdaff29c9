package io.leap.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leap.client.ConnectionState;
import io.leap.client.LeapClient;
import io.leap.server.ChannelType;
import io.leap.server.LeapServer;
import io.leap.spring.annotation.LeapListener;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.JsonNode;

/**
 * Automatic subscription of listener channels: anonymous connections after a server restart (subscriptions lost, the
 * channel created only later), token connections after their connections were closed (subscriptions back in INIT).
 */
class LeapListenerResubscribeIntegrationTests {

    @Test
    void anonymousConnectionResubscribesAfterServerRestart() {
        String projectId = "project_listenertest";
        LeapServer first = ListenerTestSupport.startServer(0, projectId);
        int port = first.port();
        LeapServer[] current = {first};
        try {
            first.createChannel("news", ChannelType.UNPROTECTED, null);
            ListenerTestSupport.runner()
                    .withBean(
                            LeapConnectionDetails.class, () -> ListenerTestSupport.anonymous(first.wsUrl(), projectId))
                    .withUserConfiguration(Config.class)
                    .run((context) -> {
                        assertThat(context).hasNotFailed();
                        Received received = context.getBean(Received.class);
                        LeapClient client = context.getBean(LeapClient.class);
                        await().atMost(ListenerTestSupport.TIMEOUT).until(() -> first.onlineCount("news") == 1);
                        first.publish("news", "story", Map.of("n", 1));
                        await().atMost(ListenerTestSupport.TIMEOUT)
                                .untilAsserted(() -> assertThat(received.news).containsExactly(1));

                        // Restart: a new server on the same port knows nothing; the channel appears only after the
                        // client
                        // is back, so the first re-subscription is refused and the registry tries again.
                        first.close();
                        LeapServer second = ListenerTestSupport.startServer(port, projectId);
                        current[0] = second;
                        await().atMost(ListenerTestSupport.TIMEOUT)
                                .until(() ->
                                        client.state() == ConnectionState.CONNECTED && second.connectionCount() == 1);
                        second.createChannel("news", ChannelType.UNPROTECTED, null);
                        await().atMost(ListenerTestSupport.TIMEOUT).until(() -> second.onlineCount("news") == 1);
                        second.publish("news", "story", Map.of("n", 2));
                        await().atMost(ListenerTestSupport.TIMEOUT)
                                .untilAsserted(() -> assertThat(received.news).containsExactly(1, 2));
                        assertThat(client.channels()).contains("news");
                    });
        } finally {
            current[0].close();
            first.close();
        }
    }

    @Test
    void tokenConnectionKeepsReceivingAfterReconnect() {
        ListenerTestSupport.embeddedRunner().withUserConfiguration(Config.class).run((context) -> {
            LeapServer server = LeapListenerArgumentsIntegrationTests.awaitSubscribed(context, "news");
            Received received = context.getBean(Received.class);
            LeapClient client = context.getBean(LeapClient.class);
            server.publish("news", "story", Map.of("n", 1));
            await().atMost(ListenerTestSupport.TIMEOUT)
                    .untilAsserted(() -> assertThat(received.news).containsExactly(1));
            long attempts = server.connectionAttempts();

            server.closeAll(4000, "test restart");
            await().atMost(ListenerTestSupport.TIMEOUT)
                    .until(() -> server.connectionAttempts() > attempts
                            && client.state() == ConnectionState.CONNECTED
                            && server.onlineCount("news") == 1);
            server.publish("news", "story", Map.of("n", 2));
            await().atMost(ListenerTestSupport.TIMEOUT)
                    .untilAsserted(() -> assertThat(received.news).containsExactly(1, 2));
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class Config {

        @Bean
        Received received() {
            return new Received();
        }

        @Bean
        Listener listener(Received received) {
            return new Listener(received);
        }
    }

    static class Received {

        final List<Integer> news = new CopyOnWriteArrayList<>();
    }

    static class Listener {

        private final Received received;

        Listener(Received received) {
            this.received = received;
        }

        @LeapListener(channels = "news")
        void news(JsonNode data) {
            this.received.news.add(data.get("n").asInt());
        }
    }
}
