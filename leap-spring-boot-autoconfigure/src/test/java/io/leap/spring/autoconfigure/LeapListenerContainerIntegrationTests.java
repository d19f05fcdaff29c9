package io.leap.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leap.client.OverflowPolicy;
import io.leap.server.LeapServer;
import io.leap.spring.annotation.LeapListener;
import io.leap.spring.config.LeapListenerEndpointRegistry;
import io.leap.spring.listener.LeapListenerContainer;
import io.leap.spring.listener.LeapListenerErrorHandler;
import io.leap.spring.listener.LeapListenerStats;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.JsonNode;

/**
 * Per-listener ordering under load, isolation of a failing listener, pause/resume, stop/start, drops and metrics.
 */
class LeapListenerContainerIntegrationTests {

    private static final int LOAD = 3000;

    // Heartbeats far apart: a burst must not be mistaken for a dead link (a lost connection loses messages).
    private final ApplicationContextRunner runner = ListenerTestSupport.embeddedRunner()
            .withPropertyValues("leap.embedded.heartbeat-interval=5s", "leap.heartbeat-ack-timeout=10s")
            .withUserConfiguration(Config.class);

    @Test
    void eachListenerSeesItsMessagesInOrderUnderLoad() {
        this.runner.run((context) -> {
            LeapServer server = LeapListenerArgumentsIntegrationTests.awaitSubscribed(context, "load", "control");
            Received received = context.getBean(Received.class);
            for (int i = 0; i < LOAD; i++) {
                server.publish("load", "seq", Map.of("n", i));
            }
            List<Integer> expected = IntStream.range(0, LOAD).boxed().toList();
            await().atMost(ListenerTestSupport.TIMEOUT).untilAsserted(() -> {
                assertThat(received.fast).hasSize(LOAD);
                assertThat(received.smallBuffer).hasSize(LOAD);
                assertThat(received.failing).hasSize(LOAD);
            });
            assertThat(received.fast).containsExactlyElementsOf(expected);
            // A 4-message BLOCK buffer slows the connection down but loses and reorders nothing.
            assertThat(received.smallBuffer).containsExactlyElementsOf(expected);
            // A listener failing on every other message gets every message, in order.
            assertThat(received.failing).containsExactlyElementsOf(expected);
            LeapListenerEndpointRegistry registry = context.getBean(LeapListenerEndpointRegistry.class);
            LeapListenerStats failing = registry.getListenerContainer("failing").getStats();
            await().atMost(ListenerTestSupport.TIMEOUT)
                    .untilAsserted(() -> assertThat(registry.getListenerContainer("failing")
                                    .getStats()
                                    .failed())
                            .isEqualTo(LOAD / 2));
            assertThat(failing.received()).isEqualTo(LOAD);
            assertThat(registry.getListenerContainer("smallBuffer").getStats().dropped())
                    .isZero();

            MeterRegistry meters = context.getBean(MeterRegistry.class);
            assertThat(meters.get("leap.listener.errors")
                            .tag("listener", "failing")
                            .functionCounter()
                            .count())
                    .isEqualTo(LOAD / 2);
            assertThat(meters.get("leap.listener.received")
                            .tag("listener", "fast")
                            .functionCounter()
                            .count())
                    .isEqualTo(LOAD);
            // The client's meters (LeapMetrics) and the listeners' share no name: Prometheus needs one set of tag
            // keys per name.
            assertThat(meters.find("leap.events.errors").functionCounter()).isNotNull();
            Map<String, Set<Set<String>>> tagKeysByName = new HashMap<>();
            meters.getMeters().stream()
                    .filter((meter) -> meter.getId().getName().startsWith("leap."))
                    .forEach((meter) -> tagKeysByName
                            .computeIfAbsent(meter.getId().getName(), (name) -> new HashSet<>())
                            .add(meter.getId().getTags().stream()
                                    .map(Tag::getKey)
                                    .collect(Collectors.toSet())));
            assertThat(tagKeysByName)
                    .allSatisfy((name, keySets) -> assertThat(keySets).as(name).hasSize(1));
        });
    }

    @Test
    void pauseBuffersAndResumeDeliversInOrder() {
        this.runner.run((context) -> {
            LeapServer server = LeapListenerArgumentsIntegrationTests.awaitSubscribed(context, "control");
            Received received = context.getBean(Received.class);
            LeapListenerEndpointRegistry registry = context.getBean(LeapListenerEndpointRegistry.class);
            LeapListenerContainer paused = registry.getListenerContainer("pausable");
            LeapListenerContainer dropping = registry.getListenerContainer("droppingPausable");
            paused.pause();
            dropping.pause();
            assertThat(paused.isPaused()).isTrue();
            assertThat(paused.isRunning()).isTrue();
            for (int i = 0; i < 5; i++) {
                server.publish("control", "tick", Map.of("n", i));
            }
            // Buffer of 3 while paused, BLOCK: the policy applies as for any full buffer. The client keeps the three
            // it has room for plus the one that found it full, then stops reading the socket until there is room;
            // the fifth waits on the socket. Nothing is dropped or delivered.
            assertThat(paused.getOverflowPolicy()).isEqualTo(OverflowPolicy.BLOCK);
            await().atMost(ListenerTestSupport.TIMEOUT)
                    .untilAsserted(
                            () -> assertThat(paused.getStats().buffered()).isEqualTo(4));
            assertThat(paused.getStats().dropped()).isZero();
            assertThat(received.pausable).isEmpty();

            paused.resume();
            await().atMost(ListenerTestSupport.TIMEOUT)
                    .untilAsserted(() -> assertThat(received.pausable).containsExactly(0, 1, 2, 3, 4));
            // The witness listener on the same channel has seen all five, so the paused ones were offered them too.
            await().atMost(ListenerTestSupport.TIMEOUT)
                    .untilAsserted(() -> assertThat(received.witness).hasSize(5));
            assertThat(paused.getStats().processed()).isEqualTo(5);
            assertThat(paused.getStats().buffered()).isZero();
            assertThat(paused.getStats().dropped()).isZero();

            // Buffer of 3 while paused, DROP_NEWEST: the two newest are dropped and the socket is never held.
            await().atMost(ListenerTestSupport.TIMEOUT).untilAsserted(() -> {
                assertThat(dropping.getStats().buffered()).isEqualTo(3);
                assertThat(dropping.getStats().dropped()).isEqualTo(2);
            });
            assertThat(received.droppingPausable).isEmpty();
            dropping.resume();
            await().atMost(ListenerTestSupport.TIMEOUT)
                    .untilAsserted(() -> assertThat(received.droppingPausable).containsExactly(0, 1, 2));
            assertThat(dropping.getStats().received()).isEqualTo(5);
            assertThat(dropping.getStats().processed()).isEqualTo(3);
        });
    }

    @Test
    void stoppedListenerIgnoresMessagesUntilStarted() {
        this.runner.run((context) -> {
            LeapServer server = LeapListenerArgumentsIntegrationTests.awaitSubscribed(context, "control");
            Received received = context.getBean(Received.class);
            LeapListenerEndpointRegistry registry = context.getBean(LeapListenerEndpointRegistry.class);
            LeapListenerContainer container = registry.getListenerContainer("pausable");
            LeapListenerContainer manual = registry.getListenerContainer("manual");
            assertThat(manual.isRunning()).isFalse();

            container.stop();
            assertThat(container.isRunning()).isFalse();
            server.publish("control", "tick", Map.of("n", 1));
            await().atMost(ListenerTestSupport.TIMEOUT)
                    .untilAsserted(() -> assertThat(received.witness).hasSize(1));
            assertThat(container.getStats().received()).isZero();
            assertThat(manual.getStats().received()).isZero();

            container.start();
            manual.start();
            server.publish("control", "tick", Map.of("n", 2));
            await().atMost(ListenerTestSupport.TIMEOUT).untilAsserted(() -> {
                assertThat(received.pausable).containsExactly(2);
                assertThat(received.manual).containsExactly(2);
            });
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class Config {

        @Bean
        Received received() {
            return new Received();
        }

        @Bean
        LeapListenerErrorHandler quietErrorHandler() {
            return (exception) -> {};
        }

        @Bean
        Listeners listeners(Received received) {
            return new Listeners(received);
        }
    }

    static class Received {

        final List<Integer> fast = new CopyOnWriteArrayList<>();

        final List<Integer> smallBuffer = new CopyOnWriteArrayList<>();

        final List<Integer> failing = new CopyOnWriteArrayList<>();

        final List<Integer> pausable = new CopyOnWriteArrayList<>();

        final List<Integer> witness = new CopyOnWriteArrayList<>();

        final List<Integer> droppingPausable = new CopyOnWriteArrayList<>();

        final List<Integer> manual = new CopyOnWriteArrayList<>();
    }

    static class Listeners {

        private final Received received;

        Listeners(Received received) {
            this.received = received;
        }

        @LeapListener(id = "fast", channels = "load")
        void fast(JsonNode data) {
            this.received.fast.add(data.get("n").asInt());
        }

        @LeapListener(id = "smallBuffer", channels = "load", bufferSize = "4", overflowPolicy = "BLOCK")
        void smallBuffer(JsonNode data) {
            this.received.smallBuffer.add(data.get("n").asInt());
        }

        @LeapListener(id = "failing", channels = "load", errorHandler = "quietErrorHandler")
        void failing(JsonNode data) {
            int n = data.get("n").asInt();
            this.received.failing.add(n);
            if (n % 2 == 1) {
                throw new IllegalArgumentException("odd " + n);
            }
        }

        @LeapListener(id = "pausable", channels = "control", bufferSize = "3")
        void pausable(JsonNode data) {
            this.received.pausable.add(data.get("n").asInt());
        }

        @LeapListener(id = "droppingPausable", channels = "control", bufferSize = "3", overflowPolicy = "DROP_NEWEST")
        void droppingPausable(JsonNode data) {
            this.received.droppingPausable.add(data.get("n").asInt());
        }

        @LeapListener(id = "witness", channels = "control")
        void witness(JsonNode data) {
            this.received.witness.add(data.get("n").asInt());
        }

        @LeapListener(id = "manual", channels = "control", autoStartup = "false")
        void manual(JsonNode data) {
            this.received.manual.add(data.get("n").asInt());
        }
    }
}
