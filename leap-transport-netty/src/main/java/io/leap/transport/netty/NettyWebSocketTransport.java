package io.leap.transport.netty;

import io.leap.client.transport.WebSocketConnection;
import io.leap.client.transport.WebSocketHandler;
import io.leap.client.transport.WebSocketTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * A {@link WebSocketTransport} on Netty, for applications that receive a lot of messages. It reads frames as bytes and
 * hands text frames to the client undecoded ({@link WebSocketHandler#acceptsUtf8Text()}), so a JSON text frame is
 * parsed straight from the network buffer; the JDK transport decodes every text frame to characters first, which costs
 * about as much as everything else the client does per message (see {@code docs/PERFORMANCE.md}).
 *
 * <pre>{@code
 * NettyWebSocketTransport transport = new NettyWebSocketTransport();   // one event-loop thread, daemon
 * LeapClient client = LeapClient.builder("project_xxx").transport(transport).build();
 * // ...
 * client.close();
 * transport.close();                                                   // the client closes only transports it created
 * }</pre>
 *
 * <p>Behaviour: {@code wss://} uses TLS with host-name verification (the JDK's trust store unless an
 * {@link Builder#sslContext(SslContext) SslContext} or a JDK {@link Builder#sslContext(SSLContext) SSLContext} is
 * given, with optional {@link Builder#sslParameters(SSLParameters) SSLParameters}); an HTTP proxy can be set with
 * {@link Builder#proxy(InetSocketAddress)} or {@link Builder#proxy(ProxySelector)}; pings are answered; a close frame
 * from the server is reported with its code and reason and echoed; a connection lost without one is reported as
 * 1006. Backpressure: while the handler's stage is pending, the channel stops reading, and frames already read are
 * kept (in order) until it completes. Frames larger than {@link Builder#maxFramePayloadLength(int)} (default 32 MiB)
 * fail the connection (close code 1009). Text frames are not UTF-8-validated by the transport when the handler takes bytes (the client's parser
 * rejects invalid UTF-8 as invalid JSON); for handlers that take characters, fragments are joined and decoded once.
 * Thread-safe; connections of one transport share its event loop.
 */
public final class NettyWebSocketTransport implements WebSocketTransport {

    /** Default limit of one frame's payload. */
    public static final int DEFAULT_MAX_FRAME_PAYLOAD_LENGTH = 32 * 1024 * 1024;

    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final SslContext sslContext;
    private final SSLParameters sslParameters;
    private final ProxySelector proxySelector;
    private final int maxFramePayloadLength;

    /** A transport with its own event loop (one daemon thread) and the default settings. */
    public NettyWebSocketTransport() {
        this(builder());
    }

    private NettyWebSocketTransport(Builder b) {
        this.ownsGroup = b.group == null;
        this.group = b.group != null
                ? b.group
                : new MultiThreadIoEventLoopGroup(
                        1, new DefaultThreadFactory("leap-netty", true), NioIoHandler.newFactory());
        try {
            this.sslContext = b.sslContext != null
                    ? b.sslContext
                    : SslContextBuilder.forClient().build();
        } catch (SSLException e) {
            if (ownsGroup) {
                group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            }
            throw new IllegalStateException("Cannot create the default TLS context: " + e.getMessage(), e);
        }
        this.sslParameters = b.sslParameters;
        this.proxySelector = b.proxySelector;
        this.maxFramePayloadLength = b.maxFramePayloadLength;
    }

    /** @return a builder for a transport with non-default settings */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public CompletableFuture<WebSocketConnection> connect(URI uri, WebSocketHandler handler, Duration timeout) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(timeout, "timeout");
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean tls = scheme.equals("wss");
        if (!tls && !scheme.equals("ws")) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("Not a ws:// or wss:// URL: " + uri));
        }
        String host = uri.getHost();
        if (host == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("No host in " + uri));
        }
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        long timeoutMillis = Math.max(1, timeout.toMillis());
        InetSocketAddress proxy;
        try {
            proxy = selectProxy(tls, host, port);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<WebSocketConnection> result = new CompletableFuture<>();
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri)
                .version(WebSocketVersion.V13)
                .allowExtensions(false)
                .maxFramePayloadLength(maxFramePayloadLength)
                .handleCloseFrames(false)
                .dropPongFrames(true)
                .handshakeTimeoutMillis(timeoutMillis)
                .withUTF8Validator(!handler.acceptsUtf8Text())
                .generateOriginHeader(false)
                .build();
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMillis))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline p = ch.pipeline();
                        if (proxy != null) {
                            HttpProxyHandler proxyHandler = new HttpProxyHandler(proxy);
                            proxyHandler.setConnectTimeoutMillis(timeoutMillis);
                            p.addLast(proxyHandler);
                        }
                        if (tls) {
                            SslHandler ssl = sslContext.newHandler(ch.alloc(), host, port);
                            SSLEngine engine = ssl.engine();
                            SSLParameters params =
                                    sslParameters != null ? copy(sslParameters) : engine.getSSLParameters();
                            if (sslParameters != null && params.getServerNames() == null) {
                                params.setServerNames(engine.getSSLParameters().getServerNames());
                            }
                            params.setEndpointIdentificationAlgorithm("HTTPS");
                            engine.setSSLParameters(params);
                            ssl.setHandshakeTimeoutMillis(timeoutMillis);
                            p.addLast(ssl);
                        }
                        p.addLast(new HttpClientCodec());
                        p.addLast(new HttpObjectAggregator(64 * 1024));
                        p.addLast(new WebSocketClientProtocolHandler(config));
                        p.addLast(new FrameBridge(handler, result, maxFramePayloadLength));
                    }
                });
        Channel channel;
        try {
            if (proxy != null) {
                // the proxy resolves the host name (CONNECT host:port), as browsers do
                bootstrap.resolver(NoopAddressResolverGroup.INSTANCE);
            }
            InetSocketAddress remote =
                    proxy != null ? InetSocketAddress.createUnresolved(host, port) : new InetSocketAddress(host, port);
            channel = bootstrap
                    .connect(remote)
                    .addListener(f -> {
                        if (!f.isSuccess()) {
                            result.completeExceptionally(f.cause());
                        }
                    })
                    .channel();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        // Never leave a half-open channel behind a failed or abandoned attempt.
        result.whenComplete((c, e) -> {
            if (e != null) {
                channel.close();
            }
        });
        return result;
    }

    /** The HTTP proxy for this destination, or {@code null} to connect directly. */
    private InetSocketAddress selectProxy(boolean tls, String host, int port) {
        if (proxySelector == null) {
            return null;
        }
        URI target = URI.create((tls ? "https" : "http") + "://" + host + ":" + port); // an IPv6 host keeps its []
        List<Proxy> proxies = proxySelector.select(target);
        for (Proxy p : proxies == null ? List.<Proxy>of() : proxies) {
            if (p.type() == Proxy.Type.DIRECT) {
                return null;
            }
            if (p.type() == Proxy.Type.HTTP && p.address() instanceof InetSocketAddress address) {
                return address;
            }
        }
        if (proxies == null || proxies.isEmpty()) {
            return null;
        }
        throw new IllegalArgumentException("Only HTTP proxies are supported, the ProxySelector chose " + proxies);
    }

    private static SSLParameters copy(SSLParameters p) {
        SSLParameters c = new SSLParameters(p.getCipherSuites(), p.getProtocols());
        c.setServerNames(p.getServerNames());
        c.setApplicationProtocols(p.getApplicationProtocols());
        c.setAlgorithmConstraints(p.getAlgorithmConstraints());
        c.setUseCipherSuitesOrder(p.getUseCipherSuitesOrder());
        c.setSNIMatchers(p.getSNIMatchers());
        c.setMaximumPacketSize(p.getMaximumPacketSize());
        return c;
    }

    /** Shuts down the event loop if this transport created it (waits up to a few seconds). */
    @Override
    public void close() {
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return "NettyWebSocketTransport";
    }

    /** Settings of a {@link NettyWebSocketTransport}. */
    public static final class Builder {
        private EventLoopGroup group;
        private SslContext sslContext;
        private SSLParameters sslParameters;
        private ProxySelector proxySelector;
        private int maxFramePayloadLength = DEFAULT_MAX_FRAME_PAYLOAD_LENGTH;

        private Builder() {}

        /**
         * Runs connections on this event loop group (e.g. one shared with other Netty clients); the transport does not
         * shut it down. Default: its own group with one daemon thread, shut down by {@link #close()}.
         *
         * @param group an NIO event loop group
         * @return this builder
         */
        public Builder eventLoopGroup(EventLoopGroup group) {
            this.group = Objects.requireNonNull(group, "group");
            return this;
        }

        /**
         * TLS settings for {@code wss://} (e.g. a private trust store). Host names are verified in any case. Default:
         * {@code SslContextBuilder.forClient().build()}.
         *
         * @param sslContext a client context
         * @return this builder
         */
        public Builder sslContext(SslContext sslContext) {
            if (!Objects.requireNonNull(sslContext, "sslContext").isClient()) {
                throw new IllegalArgumentException("sslContext must be a client context");
            }
            this.sslContext = sslContext;
            return this;
        }

        /**
         * TLS settings for {@code wss://} from a JDK {@link SSLContext} (e.g. one trusting a private CA), wrapped in a
         * Netty {@link JdkSslContext}. Host names are verified in any case.
         *
         * @param sslContext a JDK context, initialised
         * @return this builder
         */
        public Builder sslContext(SSLContext sslContext) {
            Objects.requireNonNull(sslContext, "sslContext");
            this.sslContext = new JdkSslContext(
                    sslContext, true, null, IdentityCipherSuiteFilter.INSTANCE, null, ClientAuth.NONE, null, false);
            return this;
        }

        /**
         * TLS parameters for {@code wss://} (protocols, cipher suites, SNI ...), applied to each connection's engine.
         * The endpoint identification algorithm is always {@code HTTPS}, so host names stay verified; without server
         * names the URL's host is sent as SNI. Default: the context's parameters.
         *
         * @param sslParameters the parameters (copied for each connection)
         * @return this builder
         */
        public Builder sslParameters(SSLParameters sslParameters) {
            this.sslParameters = copy(Objects.requireNonNull(sslParameters, "sslParameters"));
            return this;
        }

        /**
         * Connects through an HTTP proxy chosen per URL (Netty's {@link HttpProxyHandler}: a {@code CONNECT} tunnel for
         * {@code ws://} and {@code wss://}; the proxy resolves the host name). Only {@code HTTP} and {@code DIRECT}
         * choices are supported; a SOCKS choice fails the connect. Default: no proxy.
         *
         * @param proxySelector the selector, e.g. {@link ProxySelector#getDefault()}
         * @return this builder
         */
        public Builder proxy(ProxySelector proxySelector) {
            this.proxySelector = Objects.requireNonNull(proxySelector, "proxySelector");
            return this;
        }

        /**
         * Connects through this HTTP proxy; see {@link #proxy(ProxySelector)}.
         *
         * @param proxyAddress the proxy's host and port
         * @return this builder
         */
        public Builder proxy(InetSocketAddress proxyAddress) {
            return proxy(ProxySelector.of(Objects.requireNonNull(proxyAddress, "proxyAddress")));
        }

        /**
         * The largest frame payload accepted; a larger frame fails the connection (1009). Must be at least 16 MiB, the
         * size the client accepts. Default {@value NettyWebSocketTransport#DEFAULT_MAX_FRAME_PAYLOAD_LENGTH}.
         *
         * @param bytes the limit
         * @return this builder
         */
        public Builder maxFramePayloadLength(int bytes) {
            if (bytes < 16 * 1024 * 1024) {
                throw new IllegalArgumentException("maxFramePayloadLength must be at least 16 MiB, was " + bytes);
            }
            this.maxFramePayloadLength = bytes;
            return this;
        }

        /** @return the transport */
        public NettyWebSocketTransport build() {
            return new NettyWebSocketTransport(this);
        }
    }
}
