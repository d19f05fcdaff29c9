package io.leap.benchmarks.load;

import io.leap.benchmarks.load.Payloads.Tick;
import io.leap.client.DeliveryMode;
import io.leap.client.LeapClient;
import io.leap.client.LeapMessage;
import io.leap.client.ListenerOptions;
import io.leap.client.ReconnectPolicy;
import io.leap.client.transport.WebSocketTransport;
import java.net.URI;
import java.util.function.Supplier;

/**
 * {@link LeapClient} with one message listener, on a given transport. The listener does what a user's does: it reads
 * the channel, the event and the data, as a Jackson tree ({@code data()}) or, with {@code record} set, converted to a
 * record ({@code data(Tick.class)}). With {@code inline} set the listener runs in {@link DeliveryMode#INLINE} mode, on
 * the transport's reading thread (no hand-off).
 */
final class LeapClientPath implements ClientPath {

    private final String name;

    private final Supplier<WebSocketTransport> transport;

    private final boolean record;

    private final boolean inline;

    private LeapClient client;

    private WebSocketTransport openedTransport;

    LeapClientPath(String name, Supplier<WebSocketTransport> transport, boolean record) {
        this(name, transport, record, false);
    }

    LeapClientPath(String name, Supplier<WebSocketTransport> transport, boolean record, boolean inline) {
        this.name = name;
        this.transport = transport;
        this.record = record;
        this.inline = inline;
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
        ListenerOptions options =
                ListenerOptions.defaults().withDeliveryMode(this.inline ? DeliveryMode.INLINE : DeliveryMode.BUFFERED);
        this.client.addMessageListener(
                (LeapMessage message) -> {
                    String channel = message.channelId();
                    String event = message.event();
                    long sent = record
                            ? message.data(Tick.class).t()
                            : message.data().path("t").asLong();
                    if (channel != null && event != null) {
                        recorder.message(sent);
                    }
                },
                options);
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
