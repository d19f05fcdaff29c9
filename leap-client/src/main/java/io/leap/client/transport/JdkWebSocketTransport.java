package io.leap.client.transport;

import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The default {@link WebSocketTransport}, built on {@code java.net.http}.
 *
 * <p>By default it creates its own {@link HttpClient} with a direct executor, so frames are decoded on the client's
 * selector thread without a thread hand-off; the client never blocks that thread (backpressure is applied by delaying
 * {@link WebSocket#request(long)}). On JDK 21+ {@link #close()} shuts that {@code HttpClient} down; on JDK 17 its
 * selector thread ({@code HttpClient-N-SelectorManager}) ends once the client is garbage-collected.
 */
public final class JdkWebSocketTransport implements WebSocketTransport {

    private final HttpClient httpClient;
    private final boolean ownsHttpClient;

    /** Creates a transport with its own {@link HttpClient} (direct executor). */
    public JdkWebSocketTransport() {
        this(HttpClient.newBuilder().executor(Runnable::run).build(), true);
    }

    /**
     * Starts building a transport with its own {@link HttpClient} (direct executor, closed by {@link #close()}) and
     * TLS or proxy settings.
     *
     * <pre>{@code
     * WebSocketTransport transport = JdkWebSocketTransport.builder()
     *         .sslContext(myTrustContext)                                  // wss:// with a private CA
     *         .proxy(new InetSocketAddress("proxy.corp", 3128))            // HTTP CONNECT proxy
     *         .build();
     * LeapClient client = LeapClient.builder("project_xxx").transport(transport).build();
     * }</pre>
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Uses the given {@link HttpClient} (e.g. one with a custom {@code SSLContext}); it is not closed by
     * {@link #close()}.
     *
     * @param httpClient the client to open WebSockets with
     */
    public JdkWebSocketTransport(HttpClient httpClient) {
        this(httpClient, false);
    }

    private JdkWebSocketTransport(HttpClient httpClient, boolean owns) {
        this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
        this.ownsHttpClient = owns;
    }

    @Override
    public CompletableFuture<WebSocketConnection> connect(URI uri, WebSocketHandler handler, Duration timeout) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(handler, "handler");
        Adapter adapter = new Adapter(handler);
        return httpClient
                .newWebSocketBuilder()
                .connectTimeout(timeout)
                .buildAsync(uri, adapter)
                .orTimeout(timeout.toMillis() + 1000, java.util.concurrent.TimeUnit.MILLISECONDS)
                .thenApply(ws -> (WebSocketConnection) adapter.connection);
    }

    /** Shuts down the owned {@link HttpClient} on JDK 21+ ({@code HttpClient.shutdownNow()}); no-op otherwise. */
    @Override
    public void close() {
        if (!ownsHttpClient) {
            return;
        }
        try {
            Method shutdownNow = HttpClient.class.getMethod("shutdownNow");
            shutdownNow.invoke(httpClient);
        } catch (NoSuchMethodException e) {
            // JDK 17: nothing to call, the selector thread ends when the HttpClient is unreachable.
        } catch (ReflectiveOperationException | RuntimeException e) {
            // best effort
        }
    }

    @Override
    public String toString() {
        return "JdkWebSocketTransport";
    }

    /**
     * Settings of a {@link JdkWebSocketTransport} with its own {@link HttpClient}; obtain one with
     * {@link JdkWebSocketTransport#builder()}. For anything else, configure an {@code HttpClient} yourself and use
     * {@link JdkWebSocketTransport#JdkWebSocketTransport(HttpClient)}.
     */
    public static final class Builder {
        private SSLContext sslContext;
        private SSLParameters sslParameters;
        private ProxySelector proxy;

        private Builder() {}

        /**
         * TLS context for {@code wss://}, e.g. one trusting a private CA. Default: {@link SSLContext#getDefault()}.
         * Host names are verified in any case.
         *
         * @param sslContext the context
         * @return this builder
         */
        public Builder sslContext(SSLContext sslContext) {
            this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
            return this;
        }

        /**
         * TLS parameters for {@code wss://}: protocols, cipher suites, SNI and so on. Default: the context's.
         *
         * @param sslParameters the parameters (copied by the {@code HttpClient})
         * @return this builder
         */
        public Builder sslParameters(SSLParameters sslParameters) {
            this.sslParameters = Objects.requireNonNull(sslParameters, "sslParameters");
            return this;
        }

        /**
         * Chooses an HTTP proxy per URL; WebSockets are tunnelled through it with {@code CONNECT} ({@code ws://}
         * and {@code wss://} alike). Default: no proxy (not even the system's {@link ProxySelector#getDefault()}).
         * Proxy authentication needs an {@code HttpClient} with an {@code Authenticator}: pass one to
         * {@link JdkWebSocketTransport#JdkWebSocketTransport(HttpClient)} instead.
         *
         * @param proxySelector the selector, e.g. {@link ProxySelector#getDefault()}
         * @return this builder
         */
        public Builder proxy(ProxySelector proxySelector) {
            this.proxy = Objects.requireNonNull(proxySelector, "proxySelector");
            return this;
        }

        /**
         * Uses one HTTP proxy for every connection; see {@link #proxy(ProxySelector)}.
         *
         * @param proxyAddress the proxy's host and port
         * @return this builder
         */
        public Builder proxy(InetSocketAddress proxyAddress) {
            return proxy(ProxySelector.of(Objects.requireNonNull(proxyAddress, "proxyAddress")));
        }

        /** @return the transport; {@link JdkWebSocketTransport#close()} shuts its {@code HttpClient} down */
        public JdkWebSocketTransport build() {
            HttpClient.Builder http = HttpClient.newBuilder().executor(Runnable::run);
            if (sslContext != null) {
                http.sslContext(sslContext);
            }
            if (sslParameters != null) {
                http.sslParameters(sslParameters);
            }
            if (proxy != null) {
                http.proxy(proxy);
            }
            return new JdkWebSocketTransport(http.build(), true);
        }

        @Override
        public String toString() {
            return "JdkWebSocketTransport.Builder[sslContext=" + (sslContext != null) + ", proxy=" + proxy + "]";
        }
    }

    /** Bridges {@link WebSocket.Listener} to {@link WebSocketHandler}; one message at a time. */
    private static final class Adapter implements WebSocket.Listener {
        private final WebSocketHandler handler;
        final Connection connection = new Connection();
        private final AtomicBoolean ended = new AtomicBoolean();

        Adapter(WebSocketHandler handler) {
            this.handler = handler;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            connection.webSocket = webSocket;
            handler.onOpen(connection);
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            CompletionStage<?> stage;
            try {
                stage = handler.onText(data, last);
            } catch (RuntimeException e) {
                stage = null;
            }
            return next(webSocket, stage);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            CompletionStage<?> stage;
            try {
                stage = handler.onBinary(data, last);
            } catch (RuntimeException e) {
                stage = null;
            }
            return next(webSocket, stage);
        }

        private static CompletionStage<?> next(WebSocket webSocket, CompletionStage<?> stage) {
            if (stage == null) {
                webSocket.request(1);
                return null;
            }
            // The data was consumed synchronously (copied), so the JDK may reuse its buffer at once; only the demand
            // for the next message waits for the stage.
            stage.whenComplete((r, e) -> webSocket.request(1));
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            if (ended.compareAndSet(false, true)) {
                handler.onClose(statusCode, reason == null ? "" : reason);
            }
            // Complete the closing handshake (the JDK echoes the close when this stage completes).
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            if (ended.compareAndSet(false, true)) {
                handler.onError(error);
            }
        }
    }

    /** Serialises sends: {@link WebSocket} allows one outstanding send at a time. */
    private static final class Connection implements WebSocketConnection {
        volatile WebSocket webSocket;
        private final ArrayDeque<PendingSend> queue = new ArrayDeque<>();
        private boolean sending;
        private final AtomicBoolean closing = new AtomicBoolean();
        private volatile CompletableFuture<Void> closeFuture;

        private record PendingSend(Supplier<CompletableFuture<WebSocket>> op, CompletableFuture<Void> result) {}

        @Override
        public CompletableFuture<Void> sendText(String text) {
            CompletableFuture<Void> result = new CompletableFuture<>();
            enqueue(new PendingSend(() -> webSocket.sendText(text, true), result));
            return result;
        }

        @Override
        public CompletableFuture<Void> close(int statusCode, String reason) {
            if (!closing.compareAndSet(false, true)) {
                CompletableFuture<Void> f = closeFuture;
                return f == null ? CompletableFuture.completedFuture(null) : f;
            }
            CompletableFuture<Void> result = new CompletableFuture<>();
            closeFuture = result;
            enqueue(new PendingSend(() -> webSocket.sendClose(statusCode, reason), result));
            return result;
        }

        private void enqueue(PendingSend send) {
            synchronized (queue) {
                queue.add(send);
                if (sending) {
                    return;
                }
                sending = true;
            }
            drain();
        }

        /** Runs queued sends one after the other; called only by the thread that owns {@code sending}. */
        private void drain() {
            while (true) {
                PendingSend next;
                synchronized (queue) {
                    next = queue.poll();
                    if (next == null) {
                        sending = false;
                        return;
                    }
                }
                CompletableFuture<WebSocket> f;
                try {
                    f = next.op().get();
                } catch (RuntimeException e) {
                    next.result().completeExceptionally(e);
                    continue;
                }
                if (f.isDone()) {
                    complete(next.result(), f);
                    continue;
                }
                f.whenComplete((ws, e) -> {
                    complete(next.result(), f);
                    drain();
                });
                return;
            }
        }

        private static void complete(CompletableFuture<Void> result, CompletableFuture<WebSocket> f) {
            try {
                f.join();
                result.complete(null);
            } catch (java.util.concurrent.CompletionException e) {
                result.completeExceptionally(e.getCause() == null ? e : e.getCause());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }

        @Override
        public void abort() {
            WebSocket ws = webSocket;
            if (ws != null) {
                ws.abort();
            }
        }
    }
}
