package io.leap.client;

import io.leap.server.LeapServer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Shared setup: a fast server and a client configured with short intervals. */
final class ClientTestSupport {
    static final Duration WAIT = Duration.ofSeconds(15);

    private ClientTestSupport() {}

    static LeapServer server() {
        return LeapServer.builder().build().start();
    }

    static LeapServer server(Duration heartbeat) {
        return LeapServer.builder().heartbeatInterval(heartbeat).build().start();
    }

    static LeapClient.Builder client(LeapServer server) {
        return LeapClient.builder(server.projectId())
                .url(java.net.URI.create(server.wsUrl() + "?encoding=json"))
                .compression(false)
                .reconnectPolicy(ReconnectPolicy.exponential(Duration.ofMillis(50), Duration.ofMillis(200), 2.0)
                        .stableAfter(Duration.ofMillis(100)));
    }

    static Set<String> leapThreads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith(prefix))
                .collect(Collectors.toSet());
    }

    static Set<String> allLeapClientThreads() {
        return leapThreads("leap-client-");
    }

    static List<ConnectionState> states(Recorder<ConnectionStateChange> r) {
        return r.snapshot().stream().map(ConnectionStateChange::current).toList();
    }
}
