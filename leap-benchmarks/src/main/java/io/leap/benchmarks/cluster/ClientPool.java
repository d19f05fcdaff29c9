package io.leap.benchmarks.cluster;

import io.leap.client.LeapClient;
import io.leap.client.ReconnectPolicy;
import io.leap.client.transport.JdkWebSocketTransport;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Many {@link LeapClient}s in one JVM: they share a few JDK {@link HttpClient}s (each has one selector thread that
 * reads and decodes its sockets' frames) and one pool of delivery threads, so a thousand clients do not start a
 * thousand selector threads. Every client still has its own connection, session, listeners and scheduler.
 */
final class ClientPool implements AutoCloseable {

    private final List<HttpClient> httpClients = new ArrayList<>();

    private final ExecutorService delivery;

    private final List<LeapClient> clients = new CopyOnWriteArrayList<>();

    private final AtomicInteger next = new AtomicInteger();

    ClientPool(int selectors, int deliveryThreads) {
        for (int i = 0; i < selectors; i++) {
            this.httpClients.add(HttpClient.newBuilder().executor(Runnable::run).build());
        }
        AtomicInteger threads = new AtomicInteger();
        this.delivery = Executors.newFixedThreadPool(deliveryThreads, (runnable) -> {
            Thread thread = new Thread(runnable, "cluster-delivery-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Builds a client (not connected yet) for the given URL and token.
     *
     * @param customizer adds listeners before the client connects
     */
    LeapClient create(
            String projectId, String token, URI url, ReconnectPolicy reconnectPolicy, Consumer<LeapClient> customizer) {
        HttpClient http = this.httpClients.get(Math.floorMod(this.next.getAndIncrement(), this.httpClients.size()));
        LeapClient client = LeapClient.builder(projectId)
                .token(token)
                .url(url)
                .transport(new JdkWebSocketTransport(http))
                .deliveryExecutor(this.delivery)
                .reconnectPolicy(reconnectPolicy)
                .build();
        customizer.accept(client);
        this.clients.add(client);
        return client;
    }

    /** Connects every client, {@code parallel} at a time, each within the timeout. */
    static void connectAll(List<LeapClient> clients, int parallel, Duration timeout) {
        for (int from = 0; from < clients.size(); from += parallel) {
            List<CompletableFuture<?>> batch = new ArrayList<>();
            for (LeapClient client : clients.subList(from, Math.min(clients.size(), from + parallel))) {
                batch.add(client.connectAsync().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS));
            }
            CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).join();
        }
    }

    @Override
    public void close() {
        this.clients.parallelStream().forEach(LeapClient::close);
        this.clients.clear();
        this.delivery.shutdownNow();
        for (HttpClient http : this.httpClients) {
            try {
                // JDK 21+: stop the selector thread now; on 17 it ends once the client is unreachable.
                HttpClient.class.getMethod("shutdownNow").invoke(http);
            } catch (ReflectiveOperationException ex) {
                // JDK 17
            }
        }
    }
}
