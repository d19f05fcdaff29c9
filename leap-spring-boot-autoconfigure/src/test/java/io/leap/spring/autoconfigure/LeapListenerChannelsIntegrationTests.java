package io.leap.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leap.server.LeapServer;
import io.leap.spring.annotation.LeapListener;
import io.leap.spring.config.LeapListenerEndpointRegistry;
import io.leap.spring.support.LeapHeaders;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.SendTo;
import org.springframework.messaging.support.MessageBuilder;
import tools.jackson.databind.JsonNode;

/**
 * Channels from placeholders and SpEL, event filters, repeated annotations, and {@code @SendTo} replies.
 */
class LeapListenerChannelsIntegrationTests {

    private final ApplicationContextRunner runner = ListenerTestSupport.embeddedRunner()
            .withPropertyValues("app.channels=alpha, beta", "app.event=hello", "app.buffer=16")
            .withUserConfiguration(Config.class);

    @Test
    void placeholderAndSpelChannelsAreResolvedAndSubscribed() {
        this.runner.run((context) -> {
            LeapServer server = LeapListenerArgumentsIntegrationTests.awaitSubscribed(
                    context, "alpha", "beta", "spel-gamma", "requests", "replies");
            LeapListenerEndpointRegistry registry = context.getBean(LeapListenerEndpointRegistry.class);
            assertThat(registry.getListenerContainer("placeholders").getChannels())
                    .containsExactlyInAnyOrder("alpha", "beta");
            assertThat(registry.getListenerContainer("placeholders").getEvents())
                    .containsExactly("hello");
            assertThat(registry.getListenerContainer("placeholders").getBufferSize())
                    .isEqualTo(16);
            assertThat(registry.getListenerContainer("spel").getChannels()).containsExactly("spel-gamma");
            assertThat(registry.getChannels()).contains("alpha", "beta", "spel-gamma", "requests", "replies");

            Received received = context.getBean(Received.class);
            server.publish("alpha", "hello", Map.of("n", 1));
            server.publish("alpha", "other", Map.of("n", 2));
            server.publish("beta", "hello", Map.of("n", 3));
            server.publish("spel-gamma", "anything", Map.of("n", 4));
            await().atMost(ListenerTestSupport.TIMEOUT).untilAsserted(() -> {
                assertThat(received.placeholders).containsExactlyInAnyOrder("alpha:1", "beta:3");
                assertThat(received.spel).containsExactly("spel-gamma:4");
                // Repeated @LeapListener: two endpoints on one method, each with its own filter.
                assertThat(received.repeated).containsExactlyInAnyOrder("alpha:other", "spel-gamma:anything");
            });
        });
    }

    @Test
    void sendToPublishesTheReturnValueThroughTheSocket() {
        this.runner.run((context) -> {
            LeapServer server = LeapListenerArgumentsIntegrationTests.awaitSubscribed(context, "requests", "replies");
            Received received = context.getBean(Received.class);
            server.publish("requests", "question", Map.of("text", "ping"));
            server.publish("requests", "custom", Map.of("text", "hi"));
            server.publish("requests", "nothing", Map.of("text", "ignored"));
            await().atMost(ListenerTestSupport.TIMEOUT)
                    .untilAsserted(
                            () -> assertThat(received.replies).containsExactly("answer:PING", "custom.reply:HI"));
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class Config {

        @Bean
        Received received() {
            return new Received();
        }

        @Bean
        Listeners listeners(Received received) {
            return new Listeners(received);
        }

        @Bean
        ChannelNames channelNames() {
            return new ChannelNames();
        }
    }

    static class ChannelNames {

        public String gamma() {
            return "spel-gamma";
        }
    }

    static class Received {

        final List<String> placeholders = new CopyOnWriteArrayList<>();

        final List<String> spel = new CopyOnWriteArrayList<>();

        final List<String> repeated = new CopyOnWriteArrayList<>();

        final List<String> replies = new CopyOnWriteArrayList<>();
    }

    static class Listeners {

        private final Received received;

        Listeners(Received received) {
            this.received = received;
        }

        @LeapListener(
                id = "placeholders",
                channels = "${app.channels}",
                events = "${app.event}",
                bufferSize = "${app.buffer}")
        void placeholders(JsonNode data, @Header(LeapHeaders.CHANNEL_ID) String channel) {
            this.received.placeholders.add(channel + ":" + data.get("n").asInt());
        }

        @LeapListener(id = "spel", channels = "#{channelNames.gamma()}", overflowPolicy = "drop-oldest")
        void spel(JsonNode data, @Header(LeapHeaders.CHANNEL_ID) String channel) {
            this.received.spel.add(channel + ":" + data.get("n").asInt());
        }

        @LeapListener(channels = "alpha", events = "other")
        @LeapListener(channels = "#{'spel-' + 'gamma'}")
        void repeated(@Header(LeapHeaders.CHANNEL_ID) String channel, @Header(LeapHeaders.EVENT) String event) {
            this.received.repeated.add(channel + ":" + event);
        }

        /** Reply event: the incoming one unless the returned Message names another. */
        @LeapListener(
                channels = "requests",
                events = {"question", "custom", "nothing"},
                replyEvent = "answer")
        @SendTo("replies")
        Object answer(Map<String, String> question, @Header(LeapHeaders.EVENT) String event) {
            if ("nothing".equals(event)) {
                return null;
            }
            String text = question.get("text").toUpperCase();
            if ("custom".equals(event)) {
                return MessageBuilder.withPayload(Map.of("text", text))
                        .setHeader(LeapHeaders.EVENT, "custom.reply")
                        .build();
            }
            return Map.of("text", text);
        }

        @LeapListener(channels = "replies")
        void replies(Map<String, String> reply, @Header(LeapHeaders.EVENT) String event) {
            this.received.replies.add(event + ":" + reply.get("text"));
        }
    }
}
