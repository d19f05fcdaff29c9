package io.leap.benchmarks.load;

import io.leap.benchmarks.load.Payloads.Tick;
import io.leap.client.LeapClient;
import io.leap.client.LeapMessage;
import io.leap.client.ReconnectPolicy;
import io.leap.client.transport.WebSocketTransport;
import java.net.URI;
import java.util.function.Supplier;

/**
 * {@link LeapClient} with one message listener, on a given transport. The listener does what a user's does: it reads
 * the channel, the event and the data, as a Jackson tree ({@code data()}) or, with {@code record} set, converted to a
 * record ({@code data(Tick.class)}).
 */
final class LeapClientPath implements ClientPath {

    private final String name;

    private final Supplier<WebSocketTransport> transport;

    private final boolean record;

    private LeapClient client;

    private WebSocketTransport openedTransport;

    LeapClientPath(String name, Supplier<WebSocketTransport> transport, boolean record) {
        this.name = name;
        this.transport = transport;
        this.record = record;
    }

    @Override
    public String name() {
        return this.name;
    }

    @Override
    public void open(URI url, String projectId, Recorder recorder) {
        this.client = LeapClient.builder(projectId)
                .url(url)
                .transport(this.openedTransport = this.transport.get())
                .reconnectPolicy(ReconnectPolicy.none())
                .build();
        boolean record = this.record;
        this.client.addMessageListener((LeapMessage message) -> {
            String channel = message.channelId();
            String event = message.event();
            long sent = record
                    ? message.data(Tick.class).t()
                    : message.data().path("t").asLong();
            if (channel != null && event != null) {
                recorder.message(sent);
            }
        });
        this.client
                .connectAsync()
                .orTimeout(10, java.util.concurrent.TimeUnit.SECONDS)
                .join();
    }

    @Override
    public void close() {
        if (this.client != null) {
            this.client.close();
        }
        if (this.openedTransport != null) {
            // A transport given to the builder is not closed by the client.
            this.openedTransport.close();
        }
    }
}
