package io.leap.client;

import static io.leap.client.ClientTestSupport.WAIT;
import static io.leap.client.ClientTestSupport.client;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leap.server.LeapServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Listener registrations against a real server: filters, pause/resume, drain, statistics and inline delivery. */
class ListenerRegistrationTests {

    LeapServer server;
    LeapClient client;
    final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        server = ClientTestSupport.server(Duration.ofMillis(300));
        server.createChannel("a", io.leap.server.ChannelType.UNPROTECTED, Map.of());
        server.createChannel("b", io.leap.server.ChannelType.UNPROTECTED, Map.of());
        client = client(server).build();
        client.connectAsync().get(15, TimeUnit.SECONDS);
        client.subscribe("a");
        client.subscribe("b");
    }

    @AfterEach
    void stop() {
        release.countDown();
        client.close();
        server.close();
    }

    @Test
    void channelAndEventFiltersApplyBeforeTheBuffer() {
        List<String> onlyA = new CopyOnWriteArrayList<>();
        List<String> onlyPing = new CopyOnWriteArrayList<>();
        List<String> all = new CopyOnWriteArrayList<>();
        List<String> stateOfB = new CopyOnWriteArrayList<>();
        ListenerRegistration ra = client.addMessageListener(
                m -> onlyA.add(m.channelId() + ":" + m.event()),
                ListenerOptions.defaults().withChannels("a"));
        client.addMessageListener(
                m -> onlyPing.add(m.channelId() + ":" + m.event()),
                ListenerOptions.defaults().withEvents("ping"));
        client.addMessageListener(m -> all.add(m.channelId() + ":" + m.event()));
        client.addChannelEventListener(
                e -> stateOfB.add(e.channelId() + ":" + e.eventName()),
                ListenerOptions.defaults().withChannels("b").withEvents("STATE_UPDATE"));
        server.publish("a", "ping", 1);
        server.publish("b", "ping", 2);
        server.publish("a", "pong", 3);
        server.setChannelState("a", Map.of("k", 1));
        server.setChannelState("b", Map.of("k", 2));
        server.publish("b", "pong", 4);
        await().atMost(WAIT).until(() -> all.size() == 4 && stateOfB.size() == 1);
        await().atMost(WAIT).until(() -> onlyA.size() == 2 && onlyPing.size() == 2);
        assertThat(onlyA).containsExactly("a:ping", "a:pong");
        assertThat(onlyPing).containsExactly("a:ping", "b:ping");
        assertThat(stateOfB).containsExactly("b:STATE_UPDATE");
        assertThat(ra.stats()).isEqualTo(new ListenerStats(2, 0, 0));
    }

    @Test
    void pauseBuffersResumeDeliversInOrder() {
        List<Integer> got = new CopyOnWriteArrayList<>();
        ListenerRegistration r = client.addMessageListener(m -> got.add(m.data().asInt()));
        r.pause();
        assertThat(r.isPaused()).isTrue();
        for (int i = 0; i < 5; i++) {
            server.publish("a", "n", i);
        }
        await().atMost(WAIT).until(() -> r.stats().queued() == 5);
        assertThat(got).isEmpty();
        r.resume();
        await().atMost(WAIT).until(() -> got.size() == 5);
        assertThat(got).containsExactly(0, 1, 2, 3, 4);
        assertThat(r.stats()).isEqualTo(new ListenerStats(5, 0, 0));
    }

    @Test
    void pausedDropOldestKeepsTheNewestAndCountsDrops() {
        List<Integer> got = new CopyOnWriteArrayList<>();
        ListenerRegistration r = client.addMessageListener(
                m -> got.add(m.data().asInt()),
                ListenerOptions.defaults().withBufferSize(3).withOverflowPolicy(OverflowPolicy.DROP_OLDEST));
        r.pause();
        for (int i = 0; i < 10; i++) {
            server.publish("a", "n", i);
        }
        await().atMost(WAIT).until(() -> r.stats().dropped() == 7);
        r.resume();
        await().atMost(WAIT).until(() -> got.size() == 3);
        assertThat(got).containsExactly(7, 8, 9);
        assertThat(r.stats()).isEqualTo(new ListenerStats(3, 7, 0));
    }

    @Test
    void drainDeliversWhatIsBufferedThenRemoves() {
        List<Integer> got = new CopyOnWriteArrayList<>();
        CountDownLatch gate = new CountDownLatch(1);
        ListenerRegistration r = client.addMessageListener(m -> {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            got.add(m.data().asInt());
        });
        for (int i = 0; i < 4; i++) {
            server.publish("a", "n", i);
        }
        await().atMost(WAIT).until(() -> r.stats().queued() == 3);
        Thread opener = new Thread(() -> {
            await().atMost(WAIT).until(r::isClosed);
            gate.countDown();
        });
        opener.start();
        assertThat(r.drain(WAIT)).isTrue();
        assertThat(got).containsExactly(0, 1, 2, 3);
        server.publish("a", "n", 99);
        List<Integer> other = new CopyOnWriteArrayList<>();
        client.addMessageListener(m -> other.add(m.data().asInt()));
        server.publish("a", "n", 100);
        await().atMost(WAIT).until(() -> other.contains(100));
        assertThat(got).doesNotContain(99, 100);
        assertThat(r.stats().delivered()).isEqualTo(4);
    }

    @Test
    void drainThatTimesOutDiscardsTheRest() {
        ListenerRegistration r = client.addMessageListener(m -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        for (int i = 0; i < 3; i++) {
            server.publish("a", "n", i);
        }
        await().atMost(WAIT).until(() -> r.stats().queued() == 2);
        assertThat(r.drain(Duration.ofMillis(200))).isFalse();
        assertThat(r.isClosed()).isTrue();
        assertThat(r.stats().queued()).isZero();
    }

    @Test
    void inlineListenerRunsOnTheReadingThreadInOrder() {
        List<Integer> got = new CopyOnWriteArrayList<>();
        Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        ListenerRegistration r = client.addMessageListener(
                m -> {
                    threads.add(Thread.currentThread().getName());
                    got.add(m.data().asInt());
                },
                ListenerOptions.defaults().withDeliveryMode(DeliveryMode.INLINE));
        for (int i = 0; i < 50; i++) {
            server.publish("a", "n", i);
        }
        await().atMost(WAIT).until(() -> got.size() == 50);
        assertThat(got).isSorted().doesNotHaveDuplicates();
        assertThat(threads).noneMatch(n -> n.contains("-delivery"));
        assertThat(r.stats()).isEqualTo(new ListenerStats(50, 0, 0));
        // paused, an inline listener buffers; resumed, it catches up in order
        r.pause();
        for (int i = 50; i < 55; i++) {
            server.publish("a", "n", i);
        }
        await().atMost(WAIT).until(() -> r.stats().queued() == 5);
        r.resume();
        await().atMost(WAIT).until(() -> got.size() == 55);
        assertThat(got).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void aThrowingInlineListenerDoesNotBreakOthers() {
        List<Integer> other = new CopyOnWriteArrayList<>();
        client.addMessageListener(
                m -> {
                    throw new IllegalStateException("boom");
                },
                ListenerOptions.defaults().withDeliveryMode(DeliveryMode.INLINE));
        client.addMessageListener(m -> other.add(m.data().asInt()));
        server.publish("a", "n", 1);
        server.publish("a", "n", 2);
        await().atMost(WAIT).until(() -> other.size() == 2);
        assertThat(client.stats().listenerErrors()).isEqualTo(2);
        assertThat(client.state()).isEqualTo(ConnectionState.CONNECTED);
    }
}
