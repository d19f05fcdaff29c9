package io.leap.benchmarks.cluster;

import io.leap.benchmarks.load.Payloads;
import io.leap.benchmarks.load.Recorder;
import io.leap.client.ChannelType;
import io.leap.client.LeapClient;
import io.leap.client.ReconnectPolicy;
import io.leap.client.rest.LeapApi;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import tools.jackson.databind.JsonNode;

/**
 * Cluster figures of {@code leap-server}: its own {@code redis-server} and 3 (or 1) nodes of the shaded
 * {@code leap-server.jar}, each a JVM of its own, and {@link LeapClient}s (JDK transport) in this JVM. Every listener
 * reads the channel, the event and the data as a tree. It prints one table with
 * <ul>
 * <li><b>publish-to-delivery latency</b> (p50/p99/max): a REST publish on node A, paced at {@code --rate} messages/s
 * for {@code --seconds} after a warm-up, received by {@code --subscribers} clients; with 3 nodes the subscribers are
 * spread over nodes A, B and C and reported per node; compared with all of them on one node (in-memory and Redis
 * engines). The latency runs from just before the REST call to the listener;</li>
 * <li><b>fan-out throughput</b>: one channel with {@code --fanout-subscribers} clients (spread over the nodes),
 * {@code --fanout-messages} messages published by REST on node A (up to 8 requests in flight); messages delivered
 * per second in total, from the first publish to the last delivery, and the CPU time the nodes, Redis and the clients
 * used for it;</li>
 * <li><b>memory per idle connection</b>: a node's RSS ({@code /proc/PID/status}) and used heap after a full GC
 * ({@code jcmd}) before and after {@code --idle} connections, each subscribed to one channel, divided by their
 * number.</li>
 * </ul>
 *
 * <pre>
 * ./mvnw -B -q -pl leap-server,leap-benchmarks -am package -DskipTests dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
 * java -cp leap-benchmarks/target/classes:$(cat leap-benchmarks/target/classpath.txt) io.leap.benchmarks.cluster.ClusterBenchmark
 * </pre>
 * Options: {@code --subscribers N} (30), {@code --rate N} (200), {@code --seconds N} (10), {@code --fanout-subscribers
 * N} (1000), {@code --fanout-messages N} (200), {@code --idle N} (1000), {@code --only latency,fanout,memory},
 * {@code --jar PATH}. Node logs go to a temporary directory printed at the start.
 */
public final class ClusterBenchmark {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    private final Map<String, String> options;

    private final Path jar;

    private final Path logDir;

    private final List<String> rows = new ArrayList<>();

    private ClusterBenchmark(Map<String, String> options) throws Exception {
        this.options = options;
        this.jar = Cluster.locateJar(options.get("jar"));
        this.logDir = Files.createTempDirectory("leap-cluster-bench");
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        new ClusterBenchmark(options).run();
        System.exit(0);
    }

    private int option(String name, int defaultValue) {
        return Integer.parseInt(this.options.getOrDefault(name, String.valueOf(defaultValue)));
    }

    private boolean runs(String part) {
        String only = this.options.get("only");
        return only == null || List.of(only.split(",")).contains(part);
    }

    private void run() throws Exception {
        System.out.printf(
                "cluster benchmark %s: jar %s, node JVM %s, %d CPUs, node logs in %s%n",
                Instant.now(),
                this.jar,
                Cluster.NODE_JVM_OPTIONS,
                Runtime.getRuntime().availableProcessors(),
                this.logDir);
        if (runs("latency")) {
            latency(1, false);
            latency(1, true);
            latency(3, true);
        }
        if (runs("fanout")) {
            fanout(1, false);
            fanout(1, true);
            fanout(3, true);
        }
        if (runs("memory")) {
            memory(false);
            memory(true);
        }
        System.out.println();
        System.out.println("| measurement | setup | result |");
        System.out.println("|---|---|---|");
        this.rows.forEach(System.out::println);
    }

    // ---------------------------------------------------------------- latency

    private void latency(int nodeCount, boolean redis) throws Exception {
        int subscribers = option("subscribers", 30);
        int rate = option("rate", 200);
        int messages = rate * option("seconds", 10);
        try (Cluster cluster = Cluster.start(this.jar, this.logDir, nodeCount, redis);
                ClientPool pool = new ClientPool(2, 4)) {
            LeapApi api = cluster.api(cluster.nodes.get(0));
            api.channels().create("latency", ChannelType.PUBLIC, Map.of());
            Recorder[] recorders = new Recorder[nodeCount];
            int[] perNode = new int[nodeCount];
            List<LeapClient> clients = new ArrayList<>();
            for (int i = 0; i < nodeCount; i++) {
                recorders[i] = new Recorder(true);
            }
            for (int i = 0; i < subscribers; i++) {
                int node = i % nodeCount;
                perNode[node]++;
                String token = api.tokens().create(Map.of("i", i)).id();
                api.channels().subscribeToken("latency", token);
                Recorder recorder = recorders[node];
                clients.add(pool.create(
                        cluster.projectId,
                        token,
                        cluster.nodes.get(node).wsUrl(),
                        ReconnectPolicy.none(),
                        (client) -> client.addMessageListener((message) -> {
                            JsonNode data = message.data();
                            if ("latency".equals(message.channelId()) && "tick".equals(message.event())) {
                                recorder.message(data.get("t").asLong());
                            }
                        })));
            }
            ClientPool.connectAll(clients, 50, CONNECT_TIMEOUT);
            // Warm-up: five seconds at the rate (the nodes are fresh JVMs), then the measured run.
            int warmup = rate * 5;
            for (int i = 0; i < nodeCount; i++) {
                recorders[i].arm((long) warmup * perNode[i]);
            }
            publishPaced(api, "latency", rate, warmup);
            await(recorders, Duration.ofSeconds(30));
            for (int i = 0; i < nodeCount; i++) {
                recorders[i].arm((long) messages * perNode[i]);
            }
            publishPaced(api, "latency", rate, messages);
            boolean complete = await(recorders, Duration.ofSeconds(60));
            List<long[]> all = new ArrayList<>();
            for (int i = 0; i < nodeCount; i++) {
                long[] sorted = recorders[i].sortedLatencies(0);
                all.add(sorted);
                if (nodeCount > 1) {
                    row(
                            "latency",
                            String.format(
                                    "%s, REST on A, %d subscribers on %s",
                                    cluster.description(),
                                    perNode[i],
                                    cluster.nodes.get(i).name()),
                            percentiles(sorted));
                }
            }
            long[] merged = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            long expected = (long) messages * subscribers;
            long received = 0;
            for (Recorder recorder : recorders) {
                received += recorder.received();
            }
            row(
                    "latency",
                    String.format(
                            "%s, REST on A, %d subscribers%s, %d msg/s",
                            cluster.description(), subscribers, nodeCount > 1 ? " on A/B/C" : "", rate),
                    percentiles(merged)
                            + (complete ? "" : String.format(" (INCOMPLETE: %,d of %,d)", received, expected)));
        }
    }

    private static void publishPaced(LeapApi api, String channel, int rate, int count) {
        long period = 1_000_000_000L / rate;
        long next = System.nanoTime();
        for (int seq = 0; seq < count; seq++) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            long sent = System.nanoTime();
            api.channels().publish(channel, "tick", Payloads.tick(sent, seq));
            next += period;
        }
    }

    private static boolean await(Recorder[] recorders, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Recorder recorder : recorders) {
            if (!recorder.done().await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                return false;
            }
        }
        return true;
    }

    private static String percentiles(long[] sorted) {
        if (sorted.length == 0) {
            return "no samples";
        }
        return String.format(
                "p50 %.2f ms, p99 %.2f ms, max %.1f ms (%,d samples)",
                at(sorted, 0.50) / 1e6, at(sorted, 0.99) / 1e6, sorted[sorted.length - 1] / 1e6, sorted.length);
    }

    private static long at(long[] sorted, double quantile) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)];
    }

    // ---------------------------------------------------------------- fan-out

    private void fanout(int nodeCount, boolean redis) throws Exception {
        int subscribers = option("fanout-subscribers", 1000);
        int messages = option("fanout-messages", 200);
        try (Cluster cluster = Cluster.start(this.jar, this.logDir, nodeCount, redis);
                ClientPool pool = new ClientPool(4, 4)) {
            LeapApi api = cluster.api(cluster.nodes.get(0));
            api.channels().create("fanout", ChannelType.PUBLIC, Map.of());
            List<String> tokens = subscribedTokens(cluster, "fanout", subscribers);
            Recorder recorder = new Recorder(false);
            List<LeapClient> clients = new ArrayList<>();
            for (int i = 0; i < subscribers; i++) {
                clients.add(pool.create(
                        cluster.projectId,
                        tokens.get(i),
                        cluster.nodes.get(i % nodeCount).wsUrl(),
                        ReconnectPolicy.none(),
                        (client) -> client.addMessageListener((message) -> {
                            JsonNode data = message.data();
                            if ("fanout".equals(message.channelId())
                                    && "tick".equals(message.event())
                                    && data.get("seq").asLong() >= 0) {
                                recorder.message(0);
                            }
                        })));
            }
            ClientPool.connectAll(clients, 50, CONNECT_TIMEOUT);
            int warmup = 20;
            recorder.arm((long) warmup * subscribers);
            for (int seq = 0; seq < warmup; seq++) {
                api.channels().publish("fanout", "tick", Payloads.tick(System.nanoTime(), seq));
            }
            recorder.done().await(60, TimeUnit.SECONDS);
            long expected = (long) messages * subscribers;
            long[] cpuBefore = cpu(cluster);
            recorder.arm(expected);
            long start = System.nanoTime();
            // Up to 8 REST publishes in flight, so the figure is not bounded by one request's round trip.
            Semaphore inFlight = new Semaphore(8);
            for (int seq = 0; seq < messages; seq++) {
                inFlight.acquire();
                api.channels()
                        .publishAsync("fanout", "tick", Payloads.tick(System.nanoTime(), seq))
                        .whenComplete((ok, error) -> inFlight.release());
            }
            inFlight.acquire(8);
            long published = System.nanoTime();
            boolean complete = recorder.done().await(120, TimeUnit.SECONDS);
            long end = System.nanoTime();
            long[] cpuAfter = cpu(cluster);
            long received = recorder.received();
            String spread = nodeCount > 1
                    ? String.format(
                            " (%d/%d/%d on A/B/C)",
                            perNode(subscribers, 3, 0), perNode(subscribers, 3, 1), perNode(subscribers, 3, 2))
                    : "";
            row(
                    "fan-out",
                    String.format(
                            "%s, one channel, %,d subscribers%s, %,d messages by REST on A",
                            cluster.description(), subscribers, spread, messages),
                    String.format(
                            "%,.0f deliveries/s (REST publishes done in %.1f s; CPU s: nodes %.1f, Redis %.1f, "
                                    + "clients %.1f)%s",
                            received / ((end - start) / 1e9),
                            (published - start) / 1e9,
                            (cpuAfter[0] - cpuBefore[0]) / 1e3,
                            (cpuAfter[1] - cpuBefore[1]) / 1e3,
                            (cpuAfter[2] - cpuBefore[2]) / 1e3,
                            complete ? "" : String.format(" (INCOMPLETE: %,d of %,d)", received, expected)));
        }
    }

    /** @return CPU milliseconds so far of all nodes, of Redis (0 without) and of this JVM (the clients) */
    private static long[] cpu(Cluster cluster) throws IOException {
        long nodes = 0;
        for (NodeProcess node : cluster.nodes) {
            nodes += node.cpuMillis();
        }
        long redis = cluster.redis != null ? cluster.redis.cpuMillis() : 0;
        return new long[] {
            nodes, redis, ProcStat.cpuMillis(ProcessHandle.current().pid())
        };
    }

    private static int perNode(int total, int nodes, int node) {
        return total / nodes + (node < total % nodes ? 1 : 0);
    }

    /** Creates {@code count} tokens subscribed to the channel, in parallel over the nodes' REST APIs. */
    private static List<String> subscribedTokens(Cluster cluster, String channel, int count) throws Exception {
        ExecutorService setup = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                LeapApi api = cluster.api(cluster.nodes.get(i % cluster.nodes.size()));
                int n = i;
                futures.add(setup.submit(() -> {
                    String token = api.tokens().create(Map.of("i", n)).id();
                    api.channels().subscribeToken(channel, token);
                    return token;
                }));
            }
            List<String> tokens = new ArrayList<>();
            for (Future<String> future : futures) {
                tokens.add(future.get());
            }
            return tokens;
        } finally {
            setup.shutdown();
        }
    }

    // ---------------------------------------------------------------- memory

    private void memory(boolean redis) throws Exception {
        int idle = option("idle", 1000);
        try (Cluster cluster = Cluster.start(this.jar, this.logDir, 1, redis);
                ClientPool pool = new ClientPool(2, 2)) {
            NodeProcess node = cluster.nodes.get(0);
            LeapApi api = cluster.api(node);
            api.channels().create("idle", ChannelType.PUBLIC, Map.of());
            List<String> tokens = subscribedTokens(cluster, "idle", idle);
            // Warm the connection path up with a few connections, so class loading and JIT are not counted.
            List<LeapClient> warm = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                warm.add(
                        pool.create(cluster.projectId, tokens.get(i), node.wsUrl(), ReconnectPolicy.none(), (c) -> {}));
            }
            ClientPool.connectAll(warm, 20, CONNECT_TIMEOUT);
            warm.forEach(LeapClient::close);
            long heapBefore = node.heapUsedAfterGcKb();
            long rssBefore = node.rssKb();
            List<LeapClient> clients = new ArrayList<>();
            for (String token : tokens) {
                clients.add(pool.create(
                        cluster.projectId,
                        token,
                        node.wsUrl(),
                        ReconnectPolicy.none(),
                        (client) -> client.addMessageListener((message) -> message.data())));
            }
            ClientPool.connectAll(clients, 50, CONNECT_TIMEOUT);
            long heapAfter = node.heapUsedAfterGcKb();
            long rssAfter = node.rssKb();
            row(
                    "memory",
                    String.format(
                            "%s, %,d idle connections (each subscribed to one channel)", cluster.description(), idle),
                    String.format(
                            "heap %,.1f KB/connection (%,d → %,d KB after GC), RSS %,.1f KB/connection (%,d → %,d KB)",
                            (heapAfter - heapBefore) / (double) idle,
                            heapBefore,
                            heapAfter,
                            (rssAfter - rssBefore) / (double) idle,
                            rssBefore,
                            rssAfter));
        }
    }

    private void row(String measurement, String setup, String result) {
        String row = "| " + measurement + " | " + setup + " | " + result + " |";
        System.out.println(row);
        this.rows.add(row);
    }
}
