package io.leap.benchmarks.cluster;

import io.leap.client.ChannelType;
import io.leap.client.ConnectionState;
import io.leap.client.LeapClient;
import io.leap.client.ReconnectPolicy;
import io.leap.client.rest.LeapApi;
import io.leap.client.rest.RetryPolicy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Cluster soak: its own {@code redis-server} (AOF on) and 3 {@code leap-server.jar} nodes behind a
 * {@link RoundRobinBalancer}, {@code --clients} {@link LeapClient}s connected through the balancer, each subscribed (by
 * its token, over REST) to {@code --channels} channels, and one publisher thread per channel sending sequence numbers
 * by REST, round-robin over the serving nodes (started and not killed, as a load balancer's health check would see
 * them), at {@code --rate} messages/s in total. Random faults every
 * {@code --fault-every} seconds on average: SIGKILL of a random node that has clients (then started again on the same
 * port) or a Redis
 * restart (SIGTERM, 1–3 s down, the same server and directory again; at least one per run). A killed node is started
 * again once its fault window has closed, so the start of a node is checked like steady state.
 *
 * <p>Each client's listener reads channel, event and data (a tree) and checks per channel: never a duplicate, never
 * a sequence number lower than one already seen (one publisher per channel sends one REST request at a time, each
 * after the previous was answered, so the order is defined even across nodes). A message whose REST call failed is
 * not counted as published. A message counts as <em>published while a client was connected</em> if the client was
 * {@code CONNECTED} when its REST call started. Delivery is at most once (a node that dies takes what it had not
 * written with it; a Redis restart drops what was in flight), so a loss is excused only inside a <em>fault window</em>:
 * from one second before a fault until every client is connected and has received, on every channel, a message
 * published after the fault was over (the killed node's clients reconnected to the other nodes, or Redis back and every
 * node ready). A loss
 * outside every window, a duplicate, a reordering or a state mismatch fails the run.
 *
 * <p>Channel state: after each fault and every 10 s, a REST PATCH on a random live node, then the state read back from
 * every node must equal the merge of all patches. Presence: after a node kill, {@code online_count} of a channel must
 * come back, on every node, to the number of connected clients (a killed node's connections expire with its presence
 * keys) within 7 s of the kill (6 s expiry, 1 s for polling); the time it took is reported.
 *
 * <pre>
 * ./mvnw -B -q -pl leap-server,leap-benchmarks -am package -DskipTests dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
 * java -cp leap-benchmarks/target/classes:$(cat leap-benchmarks/target/classpath.txt) io.leap.benchmarks.cluster.ClusterSoak --minutes 10
 * </pre>
 * Options: {@code --minutes M} (10), {@code --seed N}, {@code --rate N} (500), {@code --channels N} (5),
 * {@code --clients N} (24), {@code --fault-every S} (30), {@code --jar PATH}. Exit status 1 unless {@code RESULT: OK}.
 */
public final class ClusterSoak {

    private static final long IN_FLIGHT_NANOS = Duration.ofSeconds(1).toNanos();

    private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(60);

    /**
     * A killed node's presence keys expire 6 s after its last refresh (docs/SELF-HOSTING.md, "Presence"); one more
     * second for the polling over REST on a busy machine.
     */
    private static final Duration PRESENCE_BOUND = Duration.ofSeconds(7);

    private final Map<String, String> options;

    private final JsonMapper json = JsonMapper.builder().build();

    private final List<long[]> faultWindows = new ArrayList<>();

    private final Map<String, Integer> faultCounts = new LinkedHashMap<>();

    private final List<String> failures = new ArrayList<>();

    private Cluster cluster;

    private Map<NodeProcess, LeapApi> publishApis;

    private Map<NodeProcess, LeapApi> apis;

    private String[] channels;

    private Publisher[] publishers;

    private final List<Tracked> tracked = new ArrayList<>();

    private final Map<String, ObjectNode> expectedState = new LinkedHashMap<>();

    private long stateChecks;

    private long stateMismatches;

    private long statePatches;

    private long maxRecoveryNanos;

    private long maxPresenceNanos;

    private long presenceTimeouts;

    private long presenceOverBound;

    private int patchCounter;

    private ClusterSoak(Map<String, String> options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int status = new ClusterSoak(options).run();
        System.exit(status);
    }

    private int run() throws Exception {
        double minutes = Double.parseDouble(this.options.getOrDefault("minutes", "10"));
        int rate = Integer.parseInt(this.options.getOrDefault("rate", "500"));
        int channelCount = Integer.parseInt(this.options.getOrDefault("channels", "5"));
        int clientCount = Integer.parseInt(this.options.getOrDefault("clients", "24"));
        int faultEvery = Integer.parseInt(this.options.getOrDefault("fault-every", "30"));
        long seed = Long.parseLong(this.options.getOrDefault("seed", String.valueOf(System.nanoTime())));
        Random random = new Random(seed);
        Path jar = Cluster.locateJar(this.options.get("jar"));
        Path logDir = Files.createTempDirectory("leap-cluster-soak");
        System.out.printf(
                "cluster soak %s: %.1f min, %d msg/s over %d channels, %d clients, a fault every ~%d s, "
                        + "seed %d, %d CPUs; node logs in %s%n",
                Instant.now(),
                minutes,
                rate,
                channelCount,
                clientCount,
                faultEvery,
                seed,
                Runtime.getRuntime().availableProcessors(),
                logDir);

        this.cluster = Cluster.start(jar, logDir, 3, true, List.of("--heartbeat-interval", "5s"));
        this.apis = new LinkedHashMap<>();
        this.publishApis = new LinkedHashMap<>();
        for (NodeProcess node : this.cluster.nodes) {
            this.apis.put(node, this.cluster.api(node));
            this.publishApis.put(node, this.cluster.api(node, RetryPolicy.none()));
        }
        LeapApi setup = this.apis.get(this.cluster.nodes.get(0));
        this.channels = new String[channelCount];
        for (int c = 0; c < channelCount; c++) {
            this.channels[c] = "soak-" + c;
            setup.channels().create(this.channels[c], ChannelType.PUBLIC, Map.of("created", true));
            ObjectNode state = this.json.createObjectNode();
            state.put("created", true);
            this.expectedState.put(this.channels[c], state);
        }
        long end = System.nanoTime() + (long) (minutes * 60e9);
        int perChannel = (int) Math.ceil((double) rate / channelCount);
        int capacity = (int) (perChannel * minutes * 60 * 1.2) + 1000;

        try (RoundRobinBalancer balancer = new RoundRobinBalancer(
                        this.cluster.nodes.stream().map(NodeProcess::port).toList());
                ClientPool pool = new ClientPool(2, 4)) {
            URI url = URI.create("ws://127.0.0.1:" + balancer.port() + "/ws?encoding=json&compression=zlib");
            List<LeapClient> clients = new ArrayList<>();
            for (int i = 0; i < clientCount; i++) {
                String token = setup.tokens().create(Map.of("client", i)).id();
                for (String channel : this.channels) {
                    setup.channels().subscribeToken(channel, token);
                }
                Tracked t = new Tracked(channelCount, capacity);
                this.tracked.add(t);
                clients.add(pool.create(
                        this.cluster.projectId,
                        token,
                        url,
                        ReconnectPolicy.exponential(Duration.ofMillis(100), Duration.ofSeconds(2), 2.0),
                        (client) -> {
                            client.addConnectionStateListener((change) -> t.state(change.current()));
                            client.addMessageListener((message) -> {
                                String channel = message.channelId();
                                String event = message.event();
                                JsonNode data = message.data();
                                if (event.equals("tick") && channel.startsWith("soak-")) {
                                    t.message(
                                            Integer.parseInt(channel.substring(5)),
                                            data.get("seq").asInt());
                                }
                            });
                        }));
            }
            ClientPool.connectAll(clients, 10, Duration.ofSeconds(30));
            this.publishers = new Publisher[channelCount];
            for (int c = 0; c < channelCount; c++) {
                this.publishers[c] = new Publisher(c, perChannel, capacity, end);
                this.publishers[c].start();
            }
            checkState("start");
            int faults = 0;
            int redisFault = 1 + random.nextInt(Math.max(1, (int) (minutes * 60 / faultEvery) - 2));
            long lastStateCheck = System.nanoTime();
            // No faults in the last 20 s, so the last window closes before the publishers stop.
            long faultsEnd = end - Duration.ofSeconds(20).toNanos();
            long nextFault = System.nanoTime() + (long) (faultEvery * 1e9 * (0.5 + random.nextDouble()));
            while (System.nanoTime() < faultsEnd) {
                if (System.nanoTime() >= nextFault) {
                    faults++;
                    boolean redis = faults == redisFault || random.nextDouble() < 0.15;
                    if (redis) {
                        restartRedis(random);
                    } else {
                        killNode(random, balancer);
                    }
                    checkState("after fault " + faults);
                    lastStateCheck = System.nanoTime();
                    nextFault = System.nanoTime() + (long) (faultEvery * 1e9 * (0.5 + random.nextDouble()));
                } else if (System.nanoTime() - lastStateCheck
                        > Duration.ofSeconds(10).toNanos()) {
                    checkState("periodic");
                    lastStateCheck = System.nanoTime();
                }
                Ports.pause(100);
            }
            for (Publisher publisher : this.publishers) {
                publisher.join();
            }
            // Let the last messages arrive.
            Ports.pause(3000);
            checkState("end");
            long reconnects = 0;
            for (LeapClient client : clients) {
                reconnects += client.stats().reconnects();
            }
            return report(reconnects, balancer.accepted());
        } finally {
            this.cluster.close();
        }
    }

    // ---------------------------------------------------------------- faults

    private void killNode(Random random, RoundRobinBalancer balancer) throws Exception {
        // A random node among those that have clients (a restarted node gets new links only as clients reconnect).
        List<NodeProcess> withClients = this.cluster.nodes.stream()
                .filter((node) -> balancer.openLinks(node.port()) > 0)
                .toList();
        List<NodeProcess> nodes = withClients.isEmpty() ? this.cluster.nodes : withClients;
        NodeProcess victim = nodes.get(random.nextInt(nodes.size()));
        int links = balancer.openLinks(victim.port());
        count("node SIGKILL");
        long start = System.nanoTime();
        victim.kill();
        // The balancer sees the backend's sockets end and closes the clients' side.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (balancer.openLinks(victim.port()) > 0 && System.nanoTime() < deadline) {
            Ports.pause(10);
        }
        boolean reconnected = awaitAllConnected();
        long recovered = awaitNewDeliveries();
        // The window ends here: starting the node again is not a fault, and must not lose anything for anyone.
        closeWindow(start, recovered);
        long presence = awaitPresence(start);
        victim.start();
        if (!victim.awaitReady(RECOVERY_TIMEOUT)) {
            fail("node " + victim.name() + " not ready after its restart");
        }
        System.out.printf(
                "%s fault node SIGKILL %s (%d clients): clients back%s, end-to-end in %d ms, presence converged in %s; "
                        + "node started again after %d ms%n",
                Instant.now(),
                victim.name(),
                links,
                reconnected ? "" : " NOT ALL",
                (recovered - start) / 1_000_000,
                presence < 0 ? "TIMEOUT" : presence / 1_000_000 + " ms",
                (System.nanoTime() - start) / 1_000_000);
    }

    private void restartRedis(Random random) throws Exception {
        count("Redis restart");
        long start = System.nanoTime();
        Duration down = Duration.ofMillis(1000 + random.nextInt(2000));
        this.cluster.redis.restart(down);
        for (NodeProcess node : this.cluster.nodes) {
            if (!node.awaitReady(RECOVERY_TIMEOUT)) {
                fail("node " + node.name() + " not ready after the Redis restart");
            }
        }
        long ready = System.nanoTime();
        boolean connected = awaitAllConnected();
        long recovered = awaitNewDeliveries();
        System.out.printf(
                "%s fault Redis restart (%d ms down): nodes ready after %d ms, clients connected%s, "
                        + "end-to-end in %d ms%n",
                Instant.now(),
                down.toMillis(),
                (ready - start) / 1_000_000,
                connected ? "" : " NOT ALL",
                (recovered - start) / 1_000_000);
        closeWindow(start, recovered);
    }

    private void count(String kind) {
        this.faultCounts.merge(kind, 1, Integer::sum);
    }

    /** Waits until every client is connected. */
    private boolean awaitAllConnected() {
        long deadline = System.nanoTime() + RECOVERY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (this.tracked.stream().allMatch((t) -> t.connected())) {
                return true;
            }
            Ports.pause(20);
        }
        fail("clients not all connected " + RECOVERY_TIMEOUT.toSeconds() + " s after a fault");
        return false;
    }

    /**
     * Waits until every live node reports {@code online_count} = the connected clients, for every channel.
     *
     * @return nanoseconds since {@code start}, or -1 on timeout
     */
    private long awaitPresence(long start) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            long connected = this.tracked.stream().filter(Tracked::connected).count();
            boolean converged = true;
            for (NodeProcess node : this.cluster.nodes) {
                if (!node.serving()) {
                    continue;
                }
                try {
                    if (this.apis
                                    .get(node)
                                    .channels()
                                    .getStats(this.channels[0])
                                    .onlineCount()
                            != connected) {
                        converged = false;
                        break;
                    }
                } catch (RuntimeException ex) {
                    converged = false;
                    break;
                }
            }
            if (converged) {
                long took = System.nanoTime() - start;
                this.maxPresenceNanos = Math.max(this.maxPresenceNanos, took);
                if (took > PRESENCE_BOUND.toNanos()) {
                    this.presenceOverBound++;
                }
                return took;
            }
            Ports.pause(100);
        }
        this.presenceTimeouts++;
        fail("online_count did not converge within 30 s of a node kill");
        return -1;
    }

    /**
     * Waits until every client has received, on every channel, a message published from now on (the end of a fault
     * window).
     *
     * @return when that happened (nanoTime)
     */
    private long awaitNewDeliveries() {
        int[] marks = new int[this.publishers.length];
        for (int c = 0; c < marks.length; c++) {
            marks[c] = this.publishers[c].nextSeq();
        }
        long deadline = System.nanoTime() + RECOVERY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            boolean all = true;
            for (Tracked t : this.tracked) {
                for (int c = 0; c < marks.length && all; c++) {
                    all = t.highest(c) >= marks[c];
                }
            }
            if (all) {
                long now = System.nanoTime();
                return now;
            }
            Ports.pause(20);
        }
        fail("no end-to-end delivery on every channel within " + RECOVERY_TIMEOUT.toSeconds() + " s of a fault");
        return System.nanoTime();
    }

    private void closeWindow(long start, long end) {
        synchronized (this.faultWindows) {
            this.faultWindows.add(new long[] {start - IN_FLIGHT_NANOS, end});
        }
        this.maxRecoveryNanos = Math.max(this.maxRecoveryNanos, end - start);
    }

    private void fail(String failure) {
        System.out.println(Instant.now() + " FAILURE: " + failure);
        this.failures.add(failure);
    }

    // ---------------------------------------------------------------- state

    /** PATCHes every channel's state on a random live node, then reads it back from every node. */
    private void checkState(String when) {
        List<NodeProcess> live =
                this.cluster.nodes.stream().filter(NodeProcess::serving).toList();
        int n = ++this.patchCounter;
        for (String channel : this.channels) {
            NodeProcess writer = live.get(Math.floorMod(n + channel.hashCode(), live.size()));
            Map<String, Object> patch = Map.of("k" + (n % 20), n, "last", n, "by", writer.name());
            try {
                this.apis.get(writer).channels().patchState(channel, patch);
                this.statePatches++;
                ObjectNode expected = this.expectedState.get(channel);
                patch.forEach((key, value) -> expected.set(key, this.json.valueToTree(value)));
            } catch (RuntimeException ex) {
                fail("PATCH of " + channel + " on node " + writer.name() + " failed (" + when + "): " + ex);
                continue;
            }
            for (NodeProcess reader : live) {
                this.stateChecks++;
                try {
                    JsonNode actual =
                            this.apis.get(reader).channels().getState(channel).json();
                    if (!actual.equals(this.expectedState.get(channel))) {
                        this.stateMismatches++;
                        fail("state of " + channel + " on node " + reader.name() + " (" + when + ") is " + actual
                                + ", expected " + this.expectedState.get(channel));
                    }
                } catch (RuntimeException ex) {
                    this.stateMismatches++;
                    fail("state of " + channel + " unreadable on node " + reader.name() + " (" + when + "): " + ex);
                }
            }
        }
    }

    // ---------------------------------------------------------------- report

    private int report(long reconnects, int balancedConnections) {
        List<long[]> windows;
        synchronized (this.faultWindows) {
            windows = List.copyOf(this.faultWindows);
        }
        long published = 0;
        long publishFailed = 0;
        long whileConnected = 0;
        long delivered = 0;
        long lost = 0;
        long lostOutside = 0;
        long duplicates = 0;
        long reordered = 0;
        for (Publisher publisher : this.publishers) {
            publishFailed += publisher.failed.get();
        }
        for (Tracked t : this.tracked) {
            synchronized (t) {
                duplicates += t.duplicates;
                reordered += t.reordered;
                for (int c = 0; c < this.publishers.length; c++) {
                    Publisher publisher = this.publishers[c];
                    int count = publisher.nextSeq();
                    delivered += t.received[c].cardinality();
                    for (int seq = 0; seq < count; seq++) {
                        if (publisher.ok.get(seq) == 0) {
                            continue;
                        }
                        long at = publisher.startedAt[seq];
                        if (!t.connectedAt(at)) {
                            continue;
                        }
                        whileConnected++;
                        if (!t.received[c].get(seq)) {
                            lost++;
                            if (!inside(at, windows)) {
                                lostOutside++;
                            }
                        }
                    }
                }
            }
        }
        for (Publisher publisher : this.publishers) {
            int count = publisher.nextSeq();
            for (int seq = 0; seq < count; seq++) {
                published += publisher.ok.get(seq);
            }
        }
        System.out.println();
        System.out.println("| figure | value |");
        System.out.println("|---|---:|");
        System.out.printf("| messages published (REST answered 2xx) | %,d |%n", published);
        System.out.printf("| publishes that failed (node down or Redis down; not counted) | %,d |%n", publishFailed);
        System.out.printf(
                "| (message, client) pairs published while the client was connected | %,d |%n", whileConnected);
        System.out.printf("| deliveries | %,d |%n", delivered);
        System.out.printf("| lost while connected | %,d |%n", lost);
        System.out.printf("| of which outside any fault window | %,d |%n", lostOutside);
        System.out.printf("| duplicated | %,d |%n", duplicates);
        System.out.printf("| reordered | %,d |%n", reordered);
        System.out.printf(
                "| state checks (node reads after a PATCH) / mismatches | %,d / %,d |%n",
                this.stateChecks, this.stateMismatches);
        System.out.printf("| state PATCHes | %,d |%n", this.statePatches);
        System.out.printf("| faults | %s |%n", this.faultCounts);
        System.out.printf(
                "| client reconnects / connections through the balancer | %,d / %,d |%n",
                reconnects, balancedConnections);
        System.out.printf(
                "| longest fault window (fault → every client has a newer message on every channel) | %,d ms |%n",
                this.maxRecoveryNanos / 1_000_000);
        System.out.printf(
                "| longest presence convergence after a node kill (online_count right on every node) | %,d ms |%n",
                this.maxPresenceNanos / 1_000_000);
        System.out.printf(
                "| presence convergences over the bound (6 s expiry + 1 s polling) / timeouts (30 s) | %,d / %,d |%n",
                this.presenceOverBound, this.presenceTimeouts);
        System.out.printf(
                "| other failures | %,d |%n", this.failures.size() - this.stateMismatches - this.presenceTimeouts);
        boolean ok = lostOutside == 0
                && duplicates == 0
                && reordered == 0
                && this.presenceOverBound == 0
                && this.failures.isEmpty();
        this.failures.forEach((failure) -> System.out.println("failure: " + failure));
        System.out.println(ok ? "RESULT: OK" : "RESULT: FAIL");
        return ok ? 0 : 1;
    }

    private static boolean inside(long at, List<long[]> windows) {
        for (long[] window : windows) {
            if (at - window[0] >= 0 && window[1] - at >= 0) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- publishers and clients

    /** One channel's publisher: sequence numbers by REST, one request at a time, round-robin over the live nodes. */
    private final class Publisher extends Thread {

        final int channel;

        final long period;

        final long end;

        final long[] startedAt;

        final AtomicIntegerArray ok;

        final AtomicLong failed = new AtomicLong();

        private volatile int next;

        Publisher(int channel, int rate, int capacity, long end) {
            super("soak-publisher-" + channel);
            setDaemon(true);
            this.channel = channel;
            this.period = 1_000_000_000L / rate;
            this.end = end;
            this.startedAt = new long[capacity];
            this.ok = new AtomicIntegerArray(capacity);
        }

        int nextSeq() {
            return this.next;
        }

        @Override
        public void run() {
            String channelId = ClusterSoak.this.channels[this.channel];
            List<NodeProcess> nodes = ClusterSoak.this.cluster.nodes;
            long due = System.nanoTime();
            int seq = 0;
            int node = this.channel;
            while (due < this.end && seq < this.startedAt.length) {
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Ports.pause(wait / 1_000_000);
                }
                NodeProcess target = null;
                for (int i = 0; i < nodes.size() && target == null; i++) {
                    NodeProcess candidate = nodes.get(Math.floorMod(node++, nodes.size()));
                    if (candidate.serving()) {
                        target = candidate;
                    }
                }
                this.startedAt[seq] = System.nanoTime();
                if (target != null && publish(target, channelId, seq)) {
                    this.ok.set(seq, 1);
                } else {
                    this.failed.incrementAndGet();
                }
                seq++;
                this.next = seq;
                due += this.period;
            }
        }

        private boolean publish(NodeProcess node, String channelId, int seq) {
            try {
                ClusterSoak.this.publishApis.get(node).channels().publish(channelId, "tick", Map.of("seq", seq));
                return true;
            } catch (RuntimeException ex) {
                return false;
            }
        }
    }

    /** What one client received, per channel, and when it was connected. */
    private static final class Tracked {

        final BitSet[] received;

        final int[] highest;

        /** Connected intervals: [from, until]; until is Long.MAX_VALUE while connected. */
        final List<long[]> connected = new ArrayList<>();

        long duplicates;

        long reordered;

        Tracked(int channels, int capacity) {
            this.received = new BitSet[channels];
            this.highest = new int[channels];
            for (int c = 0; c < channels; c++) {
                this.received[c] = new BitSet(capacity);
                this.highest[c] = -1;
            }
        }

        synchronized void state(ConnectionState state) {
            long now = System.nanoTime();
            long[] last = this.connected.isEmpty() ? null : this.connected.get(this.connected.size() - 1);
            boolean open = last != null && last[1] == Long.MAX_VALUE;
            if (state == ConnectionState.CONNECTED && !open) {
                this.connected.add(new long[] {now, Long.MAX_VALUE});
            } else if (state != ConnectionState.CONNECTED && open) {
                last[1] = now;
            }
        }

        synchronized boolean connected() {
            return !this.connected.isEmpty() && this.connected.get(this.connected.size() - 1)[1] == Long.MAX_VALUE;
        }

        synchronized boolean connectedAt(long at) {
            for (long[] interval : this.connected) {
                if (at - interval[0] >= 0 && interval[1] - at >= 0) {
                    return true;
                }
            }
            return false;
        }

        synchronized int highest(int channel) {
            return this.highest[channel];
        }

        synchronized void message(int channel, int seq) {
            if (this.received[channel].get(seq)) {
                this.duplicates++;
            } else if (seq < this.highest[channel]) {
                this.reordered++;
            }
            this.received[channel].set(seq);
            this.highest[channel] = Math.max(this.highest[channel], seq);
        }
    }
}
