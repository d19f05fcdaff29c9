package io.leap.benchmarks.soak;

import io.leap.client.ConnectionState;
import io.leap.client.LeapClient;
import io.leap.client.ReconnectPolicy;
import io.leap.server.ChannelType;
import io.leap.server.LeapServer;
import io.leap.server.testing.FaultProxy;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Soak test: a {@link LeapClient} behind a {@link FaultProxy} receives steady traffic from an in-process
 * {@link LeapServer} while random faults hit the link and the server. At the end it prints what was published while
 * the client was connected, what was delivered, lost, duplicated or reordered, how often the client reconnected, the
 * longest recovery, and heap and thread counts at start and end.
 *
 * <p>A message counts as <em>published while connected</em> if the client was {@code CONNECTED} when it was published.
 * Leap delivers at most once and queues nothing for a broken link (spec D-4), so a message published after a fault
 * has started but before the client has noticed it can be lost: such losses are reported as <em>lost inside a fault
 * window</em> (from the fault's start until the client is connected again). A loss outside every fault window, a
 * duplicate or a reordering is a bug, and makes the command exit with status 1.
 *
 * <pre>
 * ./mvnw -B -q -DskipTests install &amp;&amp; ./mvnw -q -pl leap-benchmarks exec:exec@soak -Dsoak.args="--minutes 10"
 * </pre>
 * Options: {@code --minutes M} (10), {@code --rate N} messages/s (500), {@code --fault-every S} mean seconds between
 * faults (15), {@code --seed N}.
 */
public final class SoakTest {

    private static final String CHANNEL = "soak";

    private final Map<String, String> options;

    private final List<long[]> faultWindows = new ArrayList<>();

    private final Map<String, Integer> faultCounts = new LinkedHashMap<>();

    private final AtomicReference<ConnectionState> state = new AtomicReference<>(ConnectionState.IDLE);

    private final AtomicLong connectedAtNanos = new AtomicLong(System.nanoTime());

    /** Per sequence number: publish time (nanoTime), and whether the client was connected then. */
    private long[] publishedAt;

    private boolean[] connectedAtPublish;

    private volatile int published;

    private final BitSet received = new BitSet();

    private long duplicates;

    private long reordered;

    private long lastSeq = -1;

    private long maxRecoveryNanos;

    private SoakTest(Map<String, String> options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int status = new SoakTest(options).run();
        System.exit(status);
    }

    private int run() throws Exception {
        double minutes = Double.parseDouble(this.options.getOrDefault("minutes", "10"));
        int rate = Integer.parseInt(this.options.getOrDefault("rate", "500"));
        int faultEvery = Integer.parseInt(this.options.getOrDefault("fault-every", "15"));
        long seed = Long.parseLong(this.options.getOrDefault("seed", String.valueOf(System.nanoTime())));
        Random random = new Random(seed);
        System.out.printf("soak: %.1f min, %d msg/s, a fault every ~%d s, seed %d%n", minutes, rate, faultEvery, seed);

        LeapServer server = LeapServer.builder()
                .port(0)
                .heartbeatInterval(Duration.ofSeconds(1))
                .build()
                .start();
        server.createChannel(CHANNEL, ChannelType.PUBLIC, Map.of());
        String token = server.createToken(Map.of("user", "soak"));
        server.subscribeToken(CHANNEL, token);
        FaultProxy proxy = FaultProxy.start(server.wsUrl());

        System.gc();
        long heapStart = usedHeap();
        int threadsStart = Thread.activeCount();

        LeapClient client = LeapClient.builder(server.projectId())
                .token(token)
                .url(proxy.rewrite(server.wsUrl()))
                .reconnectPolicy(ReconnectPolicy.exponential(Duration.ofMillis(100), Duration.ofSeconds(2), 2.0))
                .build();
        client.addConnectionStateListener((change) -> {
            this.state.set(change.current());
            if (change.current() == ConnectionState.CONNECTED) {
                this.connectedAtNanos.set(System.nanoTime());
            }
        });
        client.addMessageListener(
                (message) -> onMessage(message.data().get("seq").asLong()));
        client.connectAsync().get(10, TimeUnit.SECONDS);

        long end = System.nanoTime() + (long) (minutes * 60e9);
        int capacity = (int) (rate * minutes * 60 * 1.1) + 1000;
        this.publishedAt = new long[capacity];
        this.connectedAtPublish = new boolean[capacity];
        Thread publisher = new Thread(() -> publish(server, rate, end), "soak-publisher");
        publisher.start();

        while (System.nanoTime() < end) {
            long pause = (long) (faultEvery * 1e9 * (0.5 + random.nextDouble()));
            waitNanos(Math.min(pause, end - System.nanoTime()));
            if (System.nanoTime() >= end) {
                break;
            }
            injectFault(random, server, proxy);
        }
        publisher.join();
        // Let the last messages arrive.
        long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < drainDeadline && this.state.get() != ConnectionState.CONNECTED) {
            waitNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        waitNanos(TimeUnit.SECONDS.toNanos(2));

        long reconnects = client.stats().reconnects();
        client.close();
        proxy.close();
        server.close();
        System.gc();
        long heapEnd = usedHeap();
        waitNanos(TimeUnit.SECONDS.toNanos(1));
        int threadsEnd = Thread.activeCount();

        return report(reconnects, heapStart, heapEnd, threadsStart, threadsEnd);
    }

    private void publish(LeapServer server, int rate, long end) {
        long period = 1_000_000_000L / rate;
        long next = System.nanoTime();
        int seq = 0;
        while (next < end && seq < this.publishedAt.length) {
            waitNanos(next - System.nanoTime());
            this.connectedAtPublish[seq] = this.state.get() == ConnectionState.CONNECTED;
            this.publishedAt[seq] = System.nanoTime();
            server.publish(CHANNEL, "tick", Map.of("seq", seq));
            seq++;
            this.published = seq;
            next += period;
        }
    }

    private synchronized void onMessage(long seq) {
        if (this.received.get((int) seq)) {
            this.duplicates++;
        } else if (seq < this.lastSeq) {
            this.reordered++;
        }
        this.received.set((int) seq);
        this.lastSeq = Math.max(this.lastSeq, seq);
    }

    private void injectFault(Random random, LeapServer server, FaultProxy proxy) {
        String[] kinds = {
            "cut", "black-hole", "latency", "throttle", "close-4000", "close-4007", "close-1001", "refuse-then-cut"
        };
        String kind = kinds[random.nextInt(kinds.length)];
        this.faultCounts.merge(kind, 1, Integer::sum);
        long start = System.nanoTime();
        boolean disconnects = true;
        switch (kind) {
            case "cut" -> proxy.cut();
            case "black-hole" -> {
                proxy.blackHole();
                // Until the client gives up on the link (heartbeat interval + grace) and a bit more.
                awaitState(ConnectionState.CONNECTED, false, Duration.ofSeconds(30));
                proxy.heal();
            }
            case "latency" -> {
                disconnects = false;
                proxy.latency(Duration.ofMillis(200));
                waitNanos(TimeUnit.SECONDS.toNanos(3));
                proxy.heal();
            }
            case "throttle" -> {
                disconnects = false;
                proxy.throttle(16 * 1024);
                waitNanos(TimeUnit.SECONDS.toNanos(3));
                proxy.heal();
            }
            case "close-4000" -> server.closeAll(4000, "Unknown error");
            case "close-4007" -> server.closeAll(4007, "Out of sync");
            case "close-1001" -> server.closeAll(1001, "Going away");
            case "refuse-then-cut" -> {
                proxy.refuseConnections(true);
                proxy.cut();
                waitNanos(TimeUnit.SECONDS.toNanos(2));
                proxy.heal();
            }
            default -> throw new IllegalStateException(kind);
        }
        if (disconnects) {
            // Wait for the client to notice, then to be back.
            awaitState(ConnectionState.CONNECTED, false, Duration.ofSeconds(30));
            awaitReconnectedAfter(start, Duration.ofSeconds(60));
            long recovery = this.connectedAtNanos.get() - start;
            this.maxRecoveryNanos = Math.max(this.maxRecoveryNanos, recovery);
            System.out.printf("%s fault %-16s recovered in %d ms%n", Instant.now(), kind, recovery / 1_000_000);
        } else {
            System.out.printf("%s fault %-16s (no disconnect expected)%n", Instant.now(), kind);
        }
        synchronized (this.faultWindows) {
            this.faultWindows.add(new long[] {start, System.nanoTime()});
        }
    }

    private void awaitState(ConnectionState expected, boolean equal, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while ((this.state.get() == expected) != equal && System.nanoTime() < deadline) {
            waitNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    private void awaitReconnectedAfter(long startNanos, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!(this.state.get() == ConnectionState.CONNECTED && this.connectedAtNanos.get() - startNanos > 0)
                && System.nanoTime() < deadline) {
            waitNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    private synchronized int report(long reconnects, long heapStart, long heapEnd, int threadsStart, int threadsEnd) {
        int published = this.published;
        long whileConnected = 0;
        long lostWhileConnected = 0;
        long lostOutsideFaults = 0;
        List<long[]> windows;
        synchronized (this.faultWindows) {
            windows = List.copyOf(this.faultWindows);
        }
        for (int seq = 0; seq < published; seq++) {
            if (!this.connectedAtPublish[seq]) {
                continue;
            }
            whileConnected++;
            if (!this.received.get(seq)) {
                lostWhileConnected++;
                if (!insideFaultWindow(this.publishedAt[seq], windows)) {
                    lostOutsideFaults++;
                }
            }
        }
        long delivered = this.received.cardinality();
        System.out.println();
        System.out.println("| figure | value |");
        System.out.println("|---|---:|");
        System.out.printf("| messages published | %,d |%n", published);
        System.out.printf("| published while the client was connected | %,d |%n", whileConnected);
        System.out.printf("| delivered | %,d |%n", delivered);
        System.out.printf("| lost (published while connected, never delivered) | %,d |%n", lostWhileConnected);
        System.out.printf("| of which outside any fault window | %,d |%n", lostOutsideFaults);
        System.out.printf("| duplicated | %,d |%n", this.duplicates);
        System.out.printf("| reordered | %,d |%n", this.reordered);
        System.out.printf("| faults injected | %s |%n", this.faultCounts);
        System.out.printf("| reconnects | %,d |%n", reconnects);
        System.out.printf(
                "| max recovery time (fault → connected again) | %,d ms |%n", this.maxRecoveryNanos / 1_000_000);
        System.out.printf("| heap used after GC, start → end | %,d KB → %,d KB |%n", heapStart >> 10, heapEnd >> 10);
        System.out.printf("| live threads, start → end (after close) | %d → %d |%n", threadsStart, threadsEnd);
        boolean ok = lostOutsideFaults == 0 && this.duplicates == 0 && this.reordered == 0;
        System.out.println(ok ? "RESULT: OK" : "RESULT: FAILED");
        return ok ? 0 : 1;
    }

    /**
     * A message is inside a fault window if it was published from one second before a fault started (it may still
     * have been in flight on the link that broke) until the client was connected again.
     */
    private static boolean insideFaultWindow(long publishedAt, List<long[]> windows) {
        long inFlight = TimeUnit.SECONDS.toNanos(1);
        for (long[] window : windows) {
            if (publishedAt - (window[0] - inFlight) >= 0 && window[1] - publishedAt >= 0) {
                return true;
            }
        }
        return false;
    }

    private static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void waitNanos(long nanos) {
        long deadline = System.nanoTime() + nanos;
        long remaining;
        while ((remaining = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(remaining);
        }
    }
}
