package io.leap.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leap.client.ChannelEvent;
import io.leap.client.ConnectionState;
import io.leap.server.LeapServer;
import io.leap.spring.autoconfigure.LeapConnectionDetails;
import io.leap.spring.event.LeapChannelEvent;
import io.leap.spring.event.LeapConnectionStateChangedEvent;
import io.leap.spring.event.LeapMessageEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;

/**
 * Full context against the embedded server: Leap messages, channel events and state changes reach
 * {@code @EventListener} methods, with SpEL conditions, typed channel events, data conversion and {@code @Async}.
 */
class LeapEventsIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final ApplicationContextRunner runner = IntegrationSupport.embeddedRunner()
            .withPropertyValues("leap.channels=orders,chat")
            .withUserConfiguration(Listeners.class);

    @Test
    void eventsReachEventListeners() {
        this.runner.run((context) -> {
            assertThat(context).hasNotFailed();
            LeapServer server = context.getBean(LeapServer.class);
            Received listeners = context.getBean(Received.class);
            await().atMost(TIMEOUT).until(() -> server.onlineCount("orders") == 1 && server.onlineCount("chat") == 1);

            server.publish("orders", "order.created", Map.of("id", 7, "product", "coffee"));
            server.publish("chat", "said", Map.of("text", "hi"));
            server.setChannelState("orders", Map.of("open", true));
            String token = context.getBean(LeapConnectionDetails.class).getToken();
            server.sendDirectMessage(token, "ping", Map.of("n", 1));

            await().atMost(TIMEOUT).untilAsserted(() -> {
                assertThat(listeners.orders).extracting(Order::id).containsExactly(7L);
                assertThat(listeners.all)
                        .extracting(LeapMessageEvent::getEvent)
                        .containsExactlyInAnyOrder("order.created", "said", "ping");
                assertThat(listeners.stateUpdates).hasSize(1);
                assertThat(listeners.asyncThreads).hasSize(3);
                // State changes are a separate client listener: await them too rather than assume they came first.
                assertThat(listeners.states).contains(ConnectionState.CONNECTED);
            });
            assertThat(listeners.orders.get(0).product()).isEqualTo("coffee");
            LeapMessageEvent direct = listeners.all.stream()
                    .filter(LeapMessageEvent::isDirect)
                    .findFirst()
                    .orElseThrow();
            assertThat(direct.getChannelId()).isNull();
            assertThat(direct.getData().get("n").asInt()).isEqualTo(1);
            assertThat(listeners.stateUpdates.get(0).getChannelId()).isEqualTo("orders");
            assertThat(listeners
                            .stateUpdates
                            .get(0)
                            .getEvent()
                            .state()
                            .get("open")
                            .asBoolean())
                    .isTrue();
            // @Async listeners ran on the async executor, not on the client's delivery thread.
            assertThat(listeners.asyncThreads).allMatch((name) -> name.startsWith("test-async-"));
            // Typed listener for StateUpdate never saw another kind of channel event.
            assertThat(listeners.stateUpdates).allMatch((e) -> e.getEvent() instanceof ChannelEvent.StateUpdate);
        });
    }

    @Test
    void withoutAMessageListenerAtStartMessagesAreNotPublishedUnlessAsked() {
        ApplicationContextRunner noMessageListener = IntegrationSupport.embeddedRunner()
                .withPropertyValues("leap.channels=orders")
                .withUserConfiguration(ChannelEventsOnly.class);
        noMessageListener.run((context) -> {
            List<String> late = publishWithALateListener(context);
            // The state update (a channel event) arrived after the message: the message was skipped, not late.
            await().atMost(TIMEOUT)
                    .until(() -> context.getBean(ChannelEventsOnly.class)
                                    .stateUpdates
                                    .size()
                            == 1);
            assertThat(late).isEmpty();
        });
        noMessageListener
                .withPropertyValues("leap.events.skip-unobserved-messages=false")
                .run((context) -> {
                    List<String> late = publishWithALateListener(context);
                    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(late).containsExactly("order.created"));
                });
    }

    private static List<String> publishWithALateListener(AssertableApplicationContext context) {
        assertThat(context).hasNotFailed();
        LeapServer server = context.getBean(LeapServer.class);
        await().atMost(TIMEOUT).until(() -> server.onlineCount("orders") == 1);
        List<String> late = new CopyOnWriteArrayList<>();
        context.addApplicationListener((org.springframework.context.ApplicationListener<LeapMessageEvent>)
                (event) -> late.add(event.getEvent()));
        server.publish("orders", "order.created", Map.of("id", 1));
        server.setChannelState("orders", Map.of("open", true));
        return late;
    }

    @Configuration(proxyBeanMethods = false)
    static class ChannelEventsOnly {

        final List<LeapChannelEvent<?>> stateUpdates = new CopyOnWriteArrayList<>();

        @EventListener
        void onStateUpdate(LeapChannelEvent<ChannelEvent.StateUpdate> event) {
            this.stateUpdates.add(event);
        }
    }

    @Test
    void failingListenerDoesNotStopDelivery() {
        this.runner.run((context) -> {
            LeapServer server = context.getBean(LeapServer.class);
            Received listeners = context.getBean(Received.class);
            await().atMost(TIMEOUT).until(() -> server.onlineCount("chat") == 1);
            server.publish("chat", "boom", Map.of());
            server.publish("chat", "after", Map.of());
            await().atMost(TIMEOUT)
                    .untilAsserted(() -> assertThat(listeners.all)
                            .extracting(LeapMessageEvent::getEvent)
                            .containsExactly("boom", "after"));
            assertThat(context.getBean(io.leap.client.LeapClient.class).stats().listenerErrors())
                    .isEqualTo(1);
        });
    }

    record Order(long id, String product) {}

    /** What the listeners saw; a plain bean so that proxies of the listener bean don't hide it. */
    static class Received {

        final List<LeapMessageEvent> all = new CopyOnWriteArrayList<>();

        final List<Order> orders = new CopyOnWriteArrayList<>();

        final List<LeapChannelEvent<ChannelEvent.StateUpdate>> stateUpdates = new CopyOnWriteArrayList<>();

        final List<String> asyncThreads = new CopyOnWriteArrayList<>();

        final List<ConnectionState> states = new CopyOnWriteArrayList<>();
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAsync
    @Import(EventListeners.class)
    static class Listeners {

        @Bean
        Received received() {
            return new Received();
        }

        @Bean
        SimpleAsyncTaskExecutor taskExecutor() {
            return new SimpleAsyncTaskExecutor("test-async-");
        }
    }

    static class EventListeners {

        private final Received received;

        EventListeners(Received received) {
            this.received = received;
        }

        @EventListener
        public void onAny(LeapMessageEvent event) {
            this.received.all.add(event);
            if ("boom".equals(event.getEvent())) {
                throw new IllegalStateException("listener failure on purpose");
            }
        }

        @EventListener(condition = "#event.channelId == 'orders'")
        public void onOrder(LeapMessageEvent event) {
            this.received.orders.add(event.getData(Order.class));
        }

        @Async
        @EventListener
        public void onAsync(LeapMessageEvent event) {
            this.received.asyncThreads.add(Thread.currentThread().getName());
        }

        @EventListener
        public void onStateUpdate(LeapChannelEvent<ChannelEvent.StateUpdate> event) {
            this.received.stateUpdates.add(event);
        }

        @EventListener
        public void onState(LeapConnectionStateChangedEvent event) {
            this.received.states.add(event.getCurrent());
        }
    }
}
