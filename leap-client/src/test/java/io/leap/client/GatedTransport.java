package io.leap.client;

import io.leap.client.transport.JdkWebSocketTransport;
import io.leap.client.transport.WebSocketConnection;
import io.leap.client.transport.WebSocketHandler;
import io.leap.client.transport.WebSocketTransport;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** The JDK transport with a switch that refuses new connections, and a record of every URL opened. */
final class GatedTransport implements WebSocketTransport {
    final JdkWebSocketTransport delegate = new JdkWebSocketTransport();
    final List<URI> uris = new CopyOnWriteArrayList<>();
    volatile boolean refuse;

    @Override
    public CompletableFuture<WebSocketConnection> connect(URI uri, WebSocketHandler handler, Duration timeout) {
        uris.add(uri);
        if (refuse) {
            return CompletableFuture.failedFuture(new java.net.ConnectException("refused by test"));
        }
        return delegate.connect(uri, handler, timeout);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
