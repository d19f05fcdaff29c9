package io.leap.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leap.client.ChannelStatus;
import io.leap.client.ConnectionState;
import io.leap.client.LeapClient;
import io.leap.server.ChannelType;
import io.leap.server.LeapServer;
import io.leap.spring.annotation.LeapListener;
import io.leap.spring.autoconfigure.endpoint.LeapListenersEndpoint;
import io.leap.spring.config.LeapListenerEndpointRegistry;
import io.leap.spring.core.LeapTokenProvider;
import io.leap.spring.event.LeapMessageEvent;
import io.leap.spring.listener.LeapListenerStats;
import io.leap.spring.testsupport.LeapTestSupport;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.thread.Threading;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import tools.jackson.databind.JsonNode;

/**
 * The Spring layer on the client's policy, against the embedded server: stopping and starting the context disconnects
 * and reconnects with listeners and channels kept, delivery runs on the {@code leapTaskExecutor} (virtual threads when
 * enabled and supported), a {@link LeapTokenProvider} bean is asked on every connection, and channel statuses (refused
 * with the server's code, then subscribed) appear in the health details and the {@code leaplisteners} endpoint.
 */
class LeapClientPolicyIntegrationTests {

    @Test
    void contextStopAndStartDisconnectsAndReconnectsKeepingListenersAndChannels() {
        ListenerTestSupport.embeddedRunner()
                .withPropertyValues("leap.embedded.channels=extra", "leap.channels=extra")
                .withUserConfiguration(Config.class)
                .run((context) -> {
                    LeapServer server = LeapListenerArgumentsIntegrationTests.awaitSubscribed(context, "news", "extra");
                    Received received = context.getBean(Received.class);
                    LeapClient client = context.getBean(LeapClient.class);
                    LeapListenerEndpointRegistry registry = context.getBean(LeapListenerEndpointRegistry.class);
                    server.publish("news", "story", Map.of("n", 1));
                    await().atMost(ListenerTestSupport.TIMEOUT).untilAsserted(() -> {
                        assertThat(received.news).containsExactly(1);
                        assertThat(received.events).containsExactly(1);
                    });
                    String firstConnection = client.init().orElseThrow().connectionId();

                    context.stop();
                    assertThat(registry.isRunning()).isFalse();
                    assertThat(registry.getListenerContainer("news").isRunning())
                            .isFalse();
                    assertThat(client.state()).isEqualTo(ConnectionState.ERRORED);
                    assertThat(client.lastStateChange().willReconnect()).isFalse();
                    await().atMost(ListenerTestSupport.TIMEOUT).until(() -> server.connectionCount() == 0);
                    assertThat(LeapTestSupport.leapHealth(context).health().getStatus())
                            .isEqualTo(Status.DOWN);

                    context.start();
                    await().atMost(ListenerTestSupport.TIMEOUT)
                            .until(() -> client.state() == ConnectionState.CONNECTED
                                    && !client.init()
                                            .orElseThrow()
                                            .connectionId()
                                            .equals(firstConnection)
                                    && server.onlineCount("news") == 1
                                    && server.onlineCount("extra") == 1);
                    assertThat(registry.isRunning()).isTrue();
                    assertThat(registry.getListenerContainer("news").isRunning())
                            .isTrue();
                    server.publish("news", "story", Map.of("n", 2));
                    await().atMost(ListenerTestSupport.TIMEOUT).untilAsserted(() -> {
                        assertThat(received.news).containsExactly(1, 2);
                        assertThat(received.events).containsExactly(1, 2);
                    });
                    assertThat(server.connectionCount()).isEqualTo(1);
                    LeapListenerStats stats =
                            registry.getListenerContainer("news").getStats();
                    assertThat(stats.received()).isEqualTo(2);
                    assertThat(stats.processed()).isEqualTo(2);
                });
    }

    @Test
    void listenersAndEventsRunOnTheLeapTaskExecutorWithVirtualThreadsWhenEnabled() {
        ListenerTestSupport.embeddedRunner()
                .withPropertyValues("spring.threads.virtual.enabled=true")
                .withUserConfiguration(Config.class)
                .run((context) -> {
                    LeapServer server = LeapListenerArgumentsIntegrationTests.awaitSubscribed(context, "news");
                    Received received = context.getBean(Received.class);
                    server.publish("news", "story", Map.of("n", 1));
                    await().atMost(ListenerTestSupport.TIMEOUT)
                            .until(() -> received.listenerThreads.size() == 1 && received.eventThreads.size() == 1);
                    Object executor = context.getBean(LeapAutoConfiguration.TASK_EXECUTOR_BEAN_NAME);
                    if (Threading.VIRTUAL.isActive(context.getEnvironment())) {
                        assertThat(isVirtual(received.listenerThreads.get(0))).isTrue();
                        assertThat(isVirtual(received.eventThreads.get(0))).isTrue();
                        assertThat(received.listenerThreads.get(0).getName()).startsWith("leap-");
                        assertThat(executor).isNotInstanceOf(ThreadPoolTaskExecutor.class);
                    } else {
                        // JDK 17: virtual threads are not available, the platform pool is used.
                        assertThat(isVirtual(received.listenerThreads.get(0))).isFalse();
                        assertThat(executor).isInstanceOf(ThreadPoolTaskExecutor.class);
                        assertThat(received.listenerThreads.get(0).getName()).startsWith("leap-");
                        assertThat(received.eventThreads.get(0).getName()).startsWith("leap-");
                    }
                });
    }

    @Test
    void withoutVirtualThreadsDeliveryRunsOnTheLeapPoolAndTheExecutorCanBeReplaced() {
        ListenerTestSupport.embeddedRunner().withUserConfiguration(Config.class).run((context) -> {
            LeapServer server = LeapListenerArgumentsIntegrationTests.awaitSubscribed(context, "news");
            Received received = context.getBean(Received.class);
            server.publish("news", "story", Map.of("n", 1));
            await().atMost(ListenerTestSupport.TIMEOUT)
                    .until(() -> received.listenerThreads.size() == 1 && received.eventThreads.size() == 1);
            assertThat(context.getBean(LeapAutoConfiguration.TASK_EXECUTOR_BEAN_NAME))
                    .isInstanceOf(ThreadPoolTaskExecutor.class);
            assertThat(received.listenerThreads.get(0).getName()).startsWith("leap-");
            assertThat(isVirtual(received.listenerThreads.get(0))).isFalse();
            // The client's timers run on the leapTaskScheduler, not on a thread of its own.
            assertThat(context.getBean(LeapAutoConfiguration.TASK_SCHEDULER_BEAN_NAME))
                    .isInstanceOf(ThreadPoolTaskScheduler.class);
            assertThat(liveThreadNames())
                    .contains("leap-scheduler-1")
                    .noneMatch((name) -> name.startsWith("leap-client-") && name.endsWith("-scheduler"));
        });
        ListenerTestSupport.embeddedRunner()
                .withUserConfiguration(Config.class)
                .withBean(LeapAutoConfiguration.TASK_EXECUTOR_BEAN_NAME, ThreadPoolTaskExecutor.class, () -> {
                    ThreadPoolTaskExecutor own = new ThreadPoolTaskExecutor();
                    own.setThreadNamePrefix("app-delivery-");
                    own.setCorePoolSize(2);
                    return own;
                })
                .run((context) -> {
                    LeapServer server = LeapListenerArgumentsIntegrationTests.awaitSubscribed(context, "news");
                    Received received = context.getBean(Received.class);
                    server.publish("news", "story", Map.of("n", 1));
                    await().atMost(ListenerTestSupport.TIMEOUT)
                            .until(() -> received.listenerThreads.size() == 1 && received.eventThreads.size() == 1);
                    assertThat(received.listenerThreads.get(0).getName()).startsWith("app-delivery-");
                    assertThat(received.eventThreads.get(0).getName()).startsWith("app-delivery-");
                });
    }

    @Test
    void tokenProviderBeanIsAskedOnEveryConnectionAndTheTokenNeverShows() {
        String projectId = "project_tokenprovider";
        LeapServer server = ListenerTestSupport.startServer(0, projectId);
        try {
            String token = server.createToken(Map.of("user", "u1"));
            AtomicInteger calls = new AtomicInteger();
            ListenerTestSupport.runner()
                    .withBean(
                            LeapConnectionDetails.class, () -> ListenerTestSupport.anonymous(server.wsUrl(), projectId))
                    .withBean(LeapTokenProvider.class, () -> () -> {
                        calls.incrementAndGet();
                        return token;
                    })
                    .run((context) -> {
                        assertThat(context).hasNotFailed();
                        LeapClient client = context.getBean(LeapClient.class);
                        await().atMost(ListenerTestSupport.TIMEOUT)
                                .until(() -> client.state() == ConnectionState.CONNECTED && server.isOnline(token));
                        assertThat(client.options().authenticated()).isTrue();
                        int before = calls.get();
                        assertThat(before).isGreaterThanOrEqualTo(1);
                        String cid = client.init().orElseThrow().connectionId();
                        client.reconnect();
                        await().atMost(ListenerTestSupport.TIMEOUT)
                                .until(() -> client.state() == ConnectionState.CONNECTED
                                        && !client.init()
                                                .orElseThrow()
                                                .connectionId()
                                                .equals(cid));
                        assertThat(calls.get()).isGreaterThan(before);
                        Health health = LeapTestSupport.leapHealth(context).health();
                        assertThat(health.toString()).doesNotContain(token);
                        assertThat(client.toString()).doesNotContain(token);
                        assertThat(client.options().toString()).doesNotContain(token);
                    });
        } finally {
            server.close();
        }
    }

    @Test
    void refusedChannelStatusWithItsCodeShowsInHealthAndEndpointUntilItIsSubscribed() {
        String projectId = "project_channelstatus";
        LeapServer server = ListenerTestSupport.startServer(0, projectId);
        try {
            server.createChannel("news", ChannelType.UNPROTECTED, null);
            ListenerTestSupport.runner()
                    .withBean(
                            LeapConnectionDetails.class, () -> ListenerTestSupport.anonymous(server.wsUrl(), projectId))
                    .withPropertyValues("leap.subscription-retry-interval=200ms")
                    .withUserConfiguration(Config.class, LaterConfig.class)
                    .run((context) -> {
                        assertThat(context).hasNotFailed();
                        LeapListenerEndpointRegistry registry = context.getBean(LeapListenerEndpointRegistry.class);
                        LeapListenersEndpoint endpoint = new LeapListenersEndpoint(registry);
                        await().atMost(ListenerTestSupport.TIMEOUT)
                                .until(() -> registry.getChannelStatuses()
                                                .get("later")
                                                .state()
                                        == ChannelStatus.State.REFUSED);
                        LeapListenersEndpoint.ChannelDescriptor refused =
                                endpoint.listeners().channelStatuses().get("later");
                        assertThat(refused.state()).isEqualTo("REFUSED");
                        assertThat(refused.errorCode()).isNotBlank();
                        await().atMost(ListenerTestSupport.TIMEOUT)
                                .until(() -> "SUBSCRIBED"
                                        .equals(endpoint.listeners()
                                                .channelStatuses()
                                                .get("news")
                                                .state()));
                        Map<String, Map<String, String>> channels = healthChannels(context);
                        assertThat(channels.get("later"))
                                .containsEntry("state", "REFUSED")
                                .containsEntry("errorCode", refused.errorCode());
                        assertThat(channels.get("news")).containsEntry("state", "SUBSCRIBED");

                        // The client asks again on its retry interval; nothing in the Spring layer polls.
                        server.createChannel("later", ChannelType.UNPROTECTED, null);
                        await().atMost(ListenerTestSupport.TIMEOUT).until(() -> server.onlineCount("later") == 1);
                        await().atMost(ListenerTestSupport.TIMEOUT)
                                .until(() -> "SUBSCRIBED"
                                        .equals(endpoint.listeners()
                                                .channelStatuses()
                                                .get("later")
                                                .state()));
                        assertThat(healthChannels(context).get("later")).isEqualTo(Map.of("state", "SUBSCRIBED"));
                        server.publish("later", "story", Map.of("n", 7));
                        Received received = context.getBean(Received.class);
                        await().atMost(ListenerTestSupport.TIMEOUT)
                                .untilAsserted(() -> assertThat(received.later).containsExactly(7));
                        assertThat(Thread.getAllStackTraces().keySet())
                                .extracting(Thread::getName)
                                .noneMatch((name) -> name.startsWith("leap-listener-subscriber"));
                    });
        } finally {
            server.close();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, String>> healthChannels(
            org.springframework.context.ApplicationContext context) {
        Health health = LeapTestSupport.leapHealth(context).health();
        return (Map<String, Map<String, String>>) health.getDetails().get("channels");
    }

    private static List<String> liveThreadNames() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .toList();
    }

    private static boolean isVirtual(Thread thread) {
        try {
            Method isVirtual = Thread.class.getMethod("isVirtual");
            return (boolean) isVirtual.invoke(thread);
        } catch (NoSuchMethodException ex) {
            return false; // JDK 17
        } catch (ReflectiveOperationException ex) {
            throw new IllegalStateException(ex);
        }
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

    @Configuration(proxyBeanMethods = false)
    static class LaterConfig {

        @Bean
        LaterListener laterListener(Received received) {
            return new LaterListener(received);
        }
    }

    static class Received {

        final List<Integer> news = new CopyOnWriteArrayList<>();

        final List<Integer> later = new CopyOnWriteArrayList<>();

        final List<Integer> events = new CopyOnWriteArrayList<>();

        final List<Thread> listenerThreads = new CopyOnWriteArrayList<>();

        final List<Thread> eventThreads = new CopyOnWriteArrayList<>();
    }

    static class Listener {

        private final Received received;

        Listener(Received received) {
            this.received = received;
        }

        @LeapListener(id = "news", channels = "news")
        void news(JsonNode data) {
            this.received.listenerThreads.add(Thread.currentThread());
            this.received.news.add(data.get("n").asInt());
        }

        @EventListener
        void onMessage(LeapMessageEvent event) {
            if ("news".equals(event.getChannelId())) {
                this.received.eventThreads.add(Thread.currentThread());
                this.received.events.add(event.getData().get("n").asInt());
            }
        }
    }

    static class LaterListener {

        private final Received received;

        LaterListener(Received received) {
            this.received = received;
        }

        @LeapListener(id = "later", channels = "later")
        void later(JsonNode data) {
            this.received.later.add(data.get("n").asInt());
        }
    }
}
