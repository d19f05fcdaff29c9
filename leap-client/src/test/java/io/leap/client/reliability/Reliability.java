package io.leap.client.reliability;

import io.leap.client.ConnectionState;
import io.leap.client.ConnectionStateChange;
import io.leap.client.LeapClient;
import io.leap.client.ReconnectPolicy;
import io.leap.server.LeapServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Shared helpers of the reliability suite: short intervals, thread and heap measurements, recorders. */
final class Reliability {
    static final Duration WAIT = Duration.ofSeconds(20);
    /** Short backoff: attempts every 50..300 ms. */
    static final ReconnectPolicy FAST = ReconnectPolicy.exponential(Duration.ofMillis(50), Duration.ofMillis(300), 2.0)
            .stableAfter(Duration.ofMillis(100));

    private static final Pattern CLIENT_ID = Pattern.compile("LeapClient\\[id=(\\d+)");

    private Reliability() {}

    static LeapServer server(Duration heartbeat) {
        return LeapServer.builder().heartbeatInterval(heartbeat).build().start();
    }

    static URI json(URI wsUrl) {
        return URI.create(wsUrl + "?encoding=json");
    }

    static LeapClient.Builder client(LeapServer server) {
        return LeapClient.builder(server.projectId())
                .url(json(server.wsUrl()))
                .compression(false)
                .reconnectPolicy(FAST);
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The prefix of every thread the client creates ({@code leap-client-<id>-}). */
    static String threadPrefix(LeapClient client) {
        Matcher m = CLIENT_ID.matcher(client.toString());
        if (!m.find()) {
            throw new IllegalStateException("no client id in " + client);
        }
        return "leap-client-" + m.group(1) + "-";
    }

    static Set<String> threads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith(prefix))
                .collect(Collectors.toSet());
    }

    static String threadDump() {
        StringBuilder sb = new StringBuilder();
        Thread.getAllStackTraces().forEach((t, st) -> {
            sb.append('"')
                    .append(t.getName())
                    .append("\" ")
                    .append(t.getState())
                    .append('\n');
            for (StackTraceElement e : st) {
                sb.append("    at ").append(e).append('\n');
            }
        });
        return sb.toString();
    }

    /** Used heap after asking for a full collection (twice); an estimate, good to a few MiB. */
    static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 2; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    static List<ConnectionState> states(List<ConnectionStateChange> changes) {
        return changes.stream().map(ConnectionStateChange::current).toList();
    }

    /** Thread-safe list for what listeners receive. */
    static final class Recorder<T> {
        final List<T> items = new CopyOnWriteArrayList<>();

        void add(T item) {
            items.add(item);
        }

        int size() {
            return items.size();
        }

        List<T> snapshot() {
            return new ArrayList<>(items);
        }
    }

    static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
