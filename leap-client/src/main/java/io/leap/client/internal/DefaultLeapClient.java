package io.leap.client.internal;

import io.leap.client.Channel;
import io.leap.client.ChannelEvent;
import io.leap.client.ChannelEventListener;
import io.leap.client.ClientStats;
import io.leap.client.ConnectionState;
import io.leap.client.ConnectionStateChange;
import io.leap.client.ConnectionStateListener;
import io.leap.client.InitInfo;
import io.leap.client.LeapClient;
import io.leap.client.LeapMessage;
import io.leap.client.ListenerOptions;
import io.leap.client.MessageListener;
import io.leap.client.Subscription;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/** The {@link LeapClient} implementation. Internal API. */
public final class DefaultLeapClient implements LeapClient {
    private final ClientConfig config;

    /** @param config the settings */
    public DefaultLeapClient(ClientConfig config) {
        this.config = config;
    }

    @Override public void connect() { throw new UnsupportedOperationException(); }
    @Override public CompletableFuture<InitInfo> connectAsync() { throw new UnsupportedOperationException(); }
    @Override public void close() { throw new UnsupportedOperationException(); }
    @Override public ConnectionState state() { throw new UnsupportedOperationException(); }
    @Override public ConnectionStateChange lastStateChange() { throw new UnsupportedOperationException(); }
    @Override public Optional<InitInfo> init() { throw new UnsupportedOperationException(); }
    @Override public Set<String> channels() { throw new UnsupportedOperationException(); }
    @Override public CompletableFuture<Channel> subscribe(String channelId) { throw new UnsupportedOperationException(); }
    @Override public Channel subscribe(String channelId, Duration timeout) { throw new UnsupportedOperationException(); }
    @Override public CompletableFuture<Void> unsubscribe(String channelId) { throw new UnsupportedOperationException(); }
    @Override public CompletableFuture<Void> publish(String channelId, String event, Object data) { throw new UnsupportedOperationException(); }
    @Override public CompletableFuture<Void> setChannelState(String channelId, Object state) { throw new UnsupportedOperationException(); }
    @Override public Subscription addMessageListener(MessageListener listener, ListenerOptions options) { throw new UnsupportedOperationException(); }
    @Override public Subscription addChannelEventListener(ChannelEventListener listener, ListenerOptions options) { throw new UnsupportedOperationException(); }
    @Override public Subscription addConnectionStateListener(ConnectionStateListener listener) { throw new UnsupportedOperationException(); }
    @Override public Flow.Publisher<LeapMessage> messages(ListenerOptions options) { throw new UnsupportedOperationException(); }
    @Override public Flow.Publisher<ChannelEvent> channelEvents(ListenerOptions options) { throw new UnsupportedOperationException(); }
    @Override public ClientStats stats() { throw new UnsupportedOperationException(); }

    @Override
    public String toString() {
        return "LeapClient[" + config + "]";
    }
}
