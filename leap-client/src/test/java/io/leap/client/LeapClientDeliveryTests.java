package io.leap.client;

import static io.leap.client.ClientTestSupport.WAIT;
import static io.leap.client.ClientTestSupport.client;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.leap.server.ChannelType;
import io.leap.server.LeapServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LeapClientDeliveryTests {

    LeapServer server;
    LeapClient client;
    final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() {
        server = ClientTestSupport.server(Duration.ofMillis(300));
        server.createChannel("c", ChannelType.UNPROTECTED, Map.of());
    }

    @AfterEach
    void stop() {
        release.countDown();
        if (client != null) {
            client.close();
        }
        server.close();
    }

    private void connectAndSubscribe() throws Exception {
        client.connectAsync().get(15, TimeUnit.SECONDS);
        client.subscribe("c", Duration.ofSeconds(10));
    }

    private void publish(int n) {
        for (int i = 0; i < n; i++) {
            server.publish("c", "e", Map.of("i", i));
        }
    }

    private MessageListener slow(Recorder<Integer> rec) {
        return m -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            rec.add(m.data().path("i").asInt());
        };
    }

    @Test
    void dropNewestKeepsTheFirstAndCountsDropsExactly() throws Exception {
        client = client(server).build();
        Recorder<Integer> slow = new Recorder<>();
        Recorder<Integer> fast = new Recorder<>();
        ListenerRegistration s = client.addMessageListener(
                slow(slow),
                ListenerOptions.defaults().withBufferSize(10).withOverflowPolicy(OverflowPolicy.DROP_NEWEST));
        client.addMessageListener(m -> fast.add(m.data().path("i").asInt()));
        connectAndSubscribe();
        publish(100);
        await().atMost(WAIT).until(() -> fast.size() == 100);
        release.countDown();
        await().atMost(WAIT)
                .until(() ->
                        slow.size() + s.stats().dropped() == 100 && s.stats().queued() == 0);
        assertThat(slow.size()).isBetween(10, 11);
        assertThat(slow.snapshot()).isSorted().startsWith(0);
        assertThat(client.stats().dropped()).isEqualTo(s.stats().dropped());
        assertThat(fast.snapshot())
                .containsExactlyElementsOf(
                        java.util.stream.IntStream.range(0, 100).boxed().toList());
        assertThat(client.stats().reconnects()).isZero();
    }

    @Test
    void dropOldestKeepsTheLatest() throws Exception {
        AtomicInteger observedDrops = new AtomicInteger();
        client = client(server)
                .bufferSize(10)
                .overflowPolicy(OverflowPolicy.DROP_OLDEST)
                .observer(new LeapClientObserver() {
                    @Override
                    public void onDropped(long count) {
                        observedDrops.addAndGet((int) count);
                    }
                })
                .build();
        Recorder<Integer> slow = new Recorder<>();
        ListenerRegistration s = client.addMessageListener(slow(slow));
        connectAndSubscribe();
        publish(100);
        await().atMost(WAIT).until(() -> s.stats().dropped() >= 89);
        release.countDown();
        await().atMost(WAIT)
                .until(() ->
                        slow.size() + s.stats().dropped() == 100 && s.stats().queued() == 0);
        assertThat(slow.snapshot()).isSorted().endsWith(99);
        assertThat(observedDrops.get()).isEqualTo((int) s.stats().dropped());
    }

    @Test
    void blockStopsReadingLosesNothingAndKeepsTheConnection() throws Exception {
        client = client(server).build();
        Recorder<Integer> slow = new Recorder<>();
        Recorder<Integer> fast = new Recorder<>();
        client.addMessageListener(
                slow(slow), ListenerOptions.defaults().withBufferSize(10).withOverflowPolicy(OverflowPolicy.BLOCK));
        client.addMessageListener(m -> fast.add(m.data().path("i").asInt()));
        connectAndSubscribe();
        publish(200);
        // reading is paused: the fast listener cannot get ahead of the slow one's buffer by much
        await().during(Duration.ofMillis(1200)).atMost(WAIT).until(() -> fast.size() <= 12);
        assertThat(client.stats().buffered()).isGreaterThanOrEqualTo(10);
        release.countDown();
        await().atMost(WAIT).until(() -> slow.size() == 200 && fast.size() == 200);
        assertThat(slow.snapshot()).containsExactlyElementsOf(fast.snapshot()).isSorted();
        assertThat(client.stats().dropped()).isZero();
        assertThat(client.stats().reconnects()).isZero();
        assertThat(client.state()).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void throwingListenerDoesNotAffectOthers() throws Exception {
        AtomicInteger observed = new AtomicInteger();
        client = client(server)
                .observer(new LeapClientObserver() {
                    @Override
                    public void onListenerError(Throwable error) {
                        observed.incrementAndGet();
                    }
                })
                .build();
        Recorder<Integer> ok = new Recorder<>();
        AtomicInteger calls = new AtomicInteger();
        client.addMessageListener(m -> {
            calls.incrementAndGet();
            throw new IllegalStateException("boom");
        });
        client.addMessageListener(m -> ok.add(m.data().path("i").asInt()));
        connectAndSubscribe();
        publish(50);
        await().atMost(WAIT).until(() -> ok.size() == 50 && calls.get() == 50);
        assertThat(client.stats().listenerErrors()).isEqualTo(50);
        assertThat(observed.get()).isEqualTo(50);
        assertThat(ok.snapshot()).isSorted();
    }

    @Test
    void cancelledListenerStopsReceiving() throws Exception {
        client = client(server).build();
        Recorder<Integer> a = new Recorder<>();
        Recorder<Integer> b = new Recorder<>();
        ListenerRegistration sa =
                client.addMessageListener(m -> a.add(m.data().path("i").asInt()));
        client.addMessageListener(m -> b.add(m.data().path("i").asInt()));
        connectAndSubscribe();
        publish(5);
        await().atMost(WAIT).until(() -> a.size() == 5 && b.size() == 5);
        sa.close();
        assertThat(sa.isClosed()).isTrue();
        publish(5);
        await().atMost(WAIT).until(() -> b.size() == 10);
        assertThat(a.size()).isEqualTo(5);
    }

    @Test
    void concurrentPublishersKeepPerListenerOrder() throws Exception {
        client = client(server)
                .heartbeatAckTimeout(Duration.ofSeconds(10))
                .readTimeoutGrace(Duration.ofSeconds(10))
                .build();
        Recorder<String> a = new Recorder<>();
        Recorder<String> b = new Recorder<>();
        client.addMessageListener(
                m -> a.add(m.data().path("t").asInt() + ":" + m.data().path("i").asInt()));
        client.addMessageListener(
                m -> b.add(m.data().path("t").asInt() + ":" + m.data().path("i").asInt()));
        connectAndSubscribe();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int id = t;
            threads.add(started(() -> {
                for (int i = 0; i < 250; i++) {
                    server.publish("c", "e", Map.of("t", id, "i", i));
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        await().atMost(WAIT).until(() -> a.size() == 1000 && b.size() == 1000);
        assertThat(a.snapshot()).containsExactlyElementsOf(b.snapshot());
        for (int t = 0; t < 4; t++) {
            String prefix = t + ":";
            List<Integer> seq = a.snapshot().stream()
                    .filter(s -> s.startsWith(prefix))
                    .map(s -> Integer.parseInt(s.substring(prefix.length())))
                    .toList();
            assertThat(seq)
                    .containsExactlyElementsOf(
                            java.util.stream.IntStream.range(0, 250).boxed().toList());
        }
    }

    @Test
    void flowPublisherHonoursDemandAndCompletesOnClose() throws Exception {
        client = client(server).build();
        List<Integer> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicBoolean completed = new AtomicBoolean();
        AtomicReferenceSub holder = new AtomicReferenceSub();
        client.messages().subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                holder.sub = subscription;
                subscription.request(3);
            }

            @Override
            public void onNext(LeapMessage item) {
                received.add(item.data().path("i").asInt());
            }

            @Override
            public void onError(Throwable throwable) {}

            @Override
            public void onComplete() {
                completed.set(true);
            }
        });
        connectAndSubscribe();
        publish(10);
        await().atMost(WAIT).until(() -> received.size() == 3);
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> received.size() == 3);
        holder.sub.request(Long.MAX_VALUE);
        await().atMost(WAIT).until(() -> received.size() == 10);
        assertThat(received).isSorted();
        client.close();
        await().atMost(WAIT).until(completed::get);
    }

    private static Thread started(Runnable r) {
        Thread t = new Thread(r, "test-worker");
        t.start();
        return t;
    }

    static final class AtomicReferenceSub {
        volatile Flow.Subscription sub;
    }

    @Test
    void closeFromAListenerWorksAndStopsEveryThread() throws Exception {
        client = client(server).build();
        Recorder<ConnectionStateChange> states = new Recorder<>();
        client.addConnectionStateListener(states::add);
        client.addMessageListener(m -> client.close());
        connectAndSubscribe();
        CompletableFuture<Channel> pending = client.subscribeAsync("never-answered-before-close");
        publish(1);
        await().atMost(WAIT).until(() -> client.state() == ConnectionState.CLOSED);
        await().atMost(WAIT).until(() -> states.any(s -> s.current() == ConnectionState.CLOSED));
        assertThat(pending).isCompletedExceptionally();
        await().atMost(WAIT)
                .until(() -> ClientTestSupport.allLeapClientThreads().isEmpty());
        await().atMost(WAIT).until(() -> server.connectionCount() == 0);
    }

    @Test
    void concurrentCloseIsIdempotentAndLeavesNoThreads() throws Exception {
        List<LeapClient> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            LeapClient c = client(server).build();
            c.addMessageListener(m -> {});
            c.connectAsync().get(15, TimeUnit.SECONDS);
            c.subscribe("c", Duration.ofSeconds(10));
            clients.add(c);
        }
        publish(20);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (LeapClient c : clients) {
            for (int t = 0; t < 4; t++) {
                threads.add(started(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    c.close();
                }));
            }
        }
        go.countDown();
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(15));
            assertThat(t.isAlive()).isFalse();
        }
        for (LeapClient c : clients) {
            assertThat(c.state()).isEqualTo(ConnectionState.CLOSED);
            assertThatThrownBy(c::connect).isInstanceOf(LeapClosedException.class);
            assertThat(c.subscribeAsync("c")).isCompletedExceptionally();
        }
        await().atMost(WAIT)
                .until(() -> ClientTestSupport.allLeapClientThreads().isEmpty());
        await().atMost(WAIT).until(() -> server.connectionCount() == 0);
    }
}
