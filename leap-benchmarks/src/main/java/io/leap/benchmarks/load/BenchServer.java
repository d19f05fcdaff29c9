package io.leap.benchmarks.load;

import io.leap.server.ChannelType;
import io.leap.server.ConnectionInfo;
import io.leap.server.LeapServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The load harness's server, run in its own JVM so that the harness's process CPU time and allocation figures are
 * the client's alone. Driven by line commands on stdin, answering on stdout:
 * <ul>
 * <li>{@code conns} → {@code CONNS <identified connections>}</li>
 * <li>{@code blast <count>} → pushes {@code count} pre-encoded MESSAGE dispatches to the only identified connection,
 * then {@code SENT <nanos>}</li>
 * <li>{@code paced <count> <ratePerSecond>} → sends {@code count} MESSAGE dispatches at a fixed rate, each carrying
 * its send time ({@code System.nanoTime()}, comparable across JVMs on one Linux host), then {@code SENT <nanos>}</li>
 * <li>{@code quit}</li>
 * </ul>
 */
public final class BenchServer {

    private BenchServer() {}

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (LeapServer server = LeapServer.builder()
                .port(0)
                .heartbeatInterval(Duration.ofMinutes(10))
                .taggedHeartbeatInterval(Duration.ZERO)
                .build()
                .start()) {
            // Unprotected, so that an anonymous @LeapListener can subscribe to it; blasts reach the connection anyway.
            server.createChannel("bench", ChannelType.UNPROTECTED, null);
            out.println("READY " + server.wsUrl() + " " + server.projectId());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                String[] parts = line.trim().split("\\s+");
                switch (parts[0]) {
                    case "conns" -> out.println("CONNS " + identified(server).size());
                    case "blast" -> {
                        String cid = only(server);
                        long count = Long.parseLong(parts[1]);
                        String payload = server.encodeMessage("bench", "price.updated", Payloads.tick(0, 0));
                        long start = System.nanoTime();
                        server.blast(cid, payload, count).get(5, TimeUnit.MINUTES);
                        out.println("SENT " + (System.nanoTime() - start));
                    }
                    case "paced" -> {
                        String cid = only(server);
                        long count = Long.parseLong(parts[1]);
                        long rate = Long.parseLong(parts[2]);
                        long start = System.nanoTime();
                        paced(server, cid, count, rate);
                        out.println("SENT " + (System.nanoTime() - start));
                    }
                    case "quit" -> {
                        return;
                    }
                    default -> out.println("ERROR unknown command " + parts[0]);
                }
            }
        }
    }

    /**
     * Sends {@code count} messages at {@code rate} per second. The sender sleeps until the next message is due and then
     * sends every message that is due, each stamped with its own send time: it never busy-waits, so on a small machine
     * it does not take a core away from the client under test (a spinning sender made every path's p99 a matter of
     * CPU scheduling). At high rates or with a coarse timer a wake-up sends a few messages back to back.
     */
    private static void paced(LeapServer server, String cid, long count, long rate) throws Exception {
        long start = System.nanoTime();
        CompletableFuture<Void> last = CompletableFuture.completedFuture(null);
        long sent = 0;
        while (sent < count) {
            long now = System.nanoTime();
            long due = Math.min(count, (now - start) * rate / 1_000_000_000L + 1);
            if (sent >= due) {
                long next = start + sent * 1_000_000_000L / rate;
                LockSupport.parkNanos(Math.max(1_000, next - now));
                continue;
            }
            while (sent < due) {
                String payload = server.encodeMessage("bench", "price.updated", Payloads.tick(System.nanoTime(), sent));
                last = server.blast(cid, payload, 1);
                sent++;
            }
        }
        last.get(1, TimeUnit.MINUTES);
    }

    private static List<ConnectionInfo> identified(LeapServer server) {
        return server.connections().stream().filter(ConnectionInfo::identified).toList();
    }

    private static String only(LeapServer server) {
        List<ConnectionInfo> connections = identified(server);
        if (connections.size() != 1) {
            throw new IllegalStateException("Expected one identified connection, found " + connections.size());
        }
        return connections.get(0).cid();
    }
}
