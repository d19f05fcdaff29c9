package io.leap.server.bench;

import io.leap.server.ChannelType;
import io.leap.server.ConnectionInfo;
import io.leap.server.LeapServer;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Measures the embedded server: blast (pre-encoded) and publish throughput to one connection, and the heap used by
 * 1,000 idle identified connections. Run it as the module README says; it prints one line per figure.
 */
public final class ServerBenchmark {

    private static final int BLAST = Integer.getInteger("bench.blast", 5_000_000);
    private static final int PUBLISH = Integer.getInteger("bench.publish", 2_000_000);
    private static final int IDLE = Integer.getInteger("bench.idle", 1_000);

    private ServerBenchmark() {}

    public static void main(String[] args) throws Exception {
        // The publish figure measures throughput with an unpaced publisher: the reader may lag by more than the
        // default outbound queue bound (64 MiB) at times, so the bound is lifted here rather than closing it with 4007.
        try (LeapServer server = LeapServer.builder()
                .heartbeatInterval(Duration.ofMinutes(10))
                .taggedHeartbeatInterval(Duration.ZERO)
                .maxQueuedBytes(Long.MAX_VALUE)
                .build()
                .start()) {
            server.createChannel("bench", ChannelType.PUBLIC, null);
            String token = server.createToken(null);
            server.subscribeToken("bench", token);
            JsonNode data = JsonMapper.builder()
                    .build()
                    .readTree("{\"user\":\"benchmark\",\"text\":\"" + "x".repeat(90) + "\",\"seq\":123456}");
            String payload = server.encodeMessage("bench", "CHAT_MESSAGE", data);
            System.out.printf("payload: %d bytes of JSON per MESSAGE dispatch%n", payload.length());

            for (String compression : new String[] {"none", "zlib"}) {
                blast(server, payload, compression);
                publish(server, token, data, compression);
            }
            idle(server);
        }
    }

    private static RawWebSocket open(LeapServer server, String query) throws Exception {
        return new RawWebSocket(URI.create(server.wsUrl() + "?" + query), 4 * 1024 * 1024);
    }

    private static void blast(LeapServer server, String payload, String compression) throws Exception {
        try (RawWebSocket ws = open(server, "encoding=json&compression=" + compression)) {
            ws.readUntil(1); // Hello
            String cid = onlyConnection(server).cid();
            for (int round = 0; round < 2; round++) { // round 0 warms up
                int count = round == 0 ? BLAST / 5 : BLAST;
                long base = ws.frames.get();
                long start = System.nanoTime();
                CompletableFuture<Void> done = server.blast(cid, payload, count);
                ws.readUntil(base + count);
                double seconds = (System.nanoTime() - start) / 1e9;
                done.join();
                if (round == 1) {
                    System.out.printf(
                            "blast   compression=%-4s %,d msgs in %.2f s = %,.0f msgs/s%n",
                            compression, count, seconds, count / seconds);
                }
            }
        }
        awaitNoConnections(server);
    }

    private static void publish(LeapServer server, String token, JsonNode data, String compression) throws Exception {
        try (RawWebSocket ws = open(server, "encoding=json&compression=" + compression)) {
            ws.sendText("{\"op\":2,\"d\":{\"project_id\":\"" + server.projectId() + "\",\"token\":\"" + token + "\"}}");
            ws.readUntil(2); // Hello, INIT
            for (int round = 0; round < 2; round++) {
                int count = round == 0 ? PUBLISH / 5 : PUBLISH;
                long base = ws.frames.get();
                long start = System.nanoTime();
                Thread publisher = new Thread(
                        () -> {
                            for (int i = 0; i < count; i++) {
                                server.publish("bench", "CHAT_MESSAGE", data);
                            }
                        },
                        "bench-publisher");
                publisher.start();
                ws.readUntil(base + count);
                double seconds = (System.nanoTime() - start) / 1e9;
                publisher.join();
                if (round == 1) {
                    System.out.printf(
                            "publish compression=%-4s %,d msgs in %.2f s = %,.0f msgs/s (1 publisher thread)%n",
                            compression, count, seconds, count / seconds);
                }
            }
        }
        awaitNoConnections(server);
    }

    private static void idle(LeapServer server) throws Exception {
        long before = usedHeapAfterGc();
        List<RawWebSocket> sockets = new ArrayList<>();
        String token = server.createToken(Map.of("user", "idle"));
        for (int i = 0; i < IDLE; i++) {
            RawWebSocket ws =
                    new RawWebSocket(URI.create(server.wsUrl() + "?encoding=json&compression=zlib"), 16 * 1024);
            ws.sendText("{\"op\":2,\"d\":{\"project_id\":\"" + server.projectId() + "\""
                    + (i % 2 == 0 ? ",\"token\":\"" + token + "\"" : "") + "}}");
            sockets.add(ws);
        }
        while (server.connections().stream().filter(ConnectionInfo::identified).count() < IDLE) {
            Thread.onSpinWait();
        }
        long after = usedHeapAfterGc();
        System.out.printf(
                "idle    %,d identified connections (half with a token, zlib): heap used %.1f MB "
                        + "(%.1f MB before them, %.1f KB per connection, server and client side together)%n",
                IDLE, after / 1e6, before / 1e6, (after - before) / 1024.0 / IDLE);
        for (RawWebSocket ws : sockets) {
            ws.close();
        }
        awaitNoConnections(server);
    }

    private static ConnectionInfo onlyConnection(LeapServer server) {
        while (server.connections().isEmpty()) {
            Thread.onSpinWait();
        }
        return server.connections().get(0);
    }

    private static void awaitNoConnections(LeapServer server) {
        while (server.connectionCount() > 0) {
            Thread.onSpinWait();
        }
    }

    /** Collects until the used heap stops shrinking (at most 5 collections), then reads it. */
    private static long usedHeapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (now >= used) {
                return now;
            }
            used = now;
        }
        return used;
    }
}
