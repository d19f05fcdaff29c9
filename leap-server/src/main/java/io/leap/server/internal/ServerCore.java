package io.leap.server.internal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running server: Netty groups, the listening socket, the model and the REST/admin fault switches. */
public final class ServerCore {

    private static final Logger log = LoggerFactory.getLogger(ServerCore.class);
    /** Prefix of every thread the server starts. */
    public static final String THREAD_PREFIX = "leap-server";

    final ServerConfig config;
    final EventLoopGroup bossGroup;
    final EventLoopGroup workerGroup;
    public final Hub hub;
    final ServerStats stats;
    final RestApi rest;
    final AdminApi admin;
    private Channel serverChannel;
    private ManagementServer management;
    private int managementPort = -1;

    final AtomicLong restRequests = new AtomicLong();
    private final AtomicInteger failRemaining = new AtomicInteger();
    private volatile int failStatus = 500;
    volatile Duration restDelay = Duration.ZERO;

    public ServerCore(ServerConfig config) {
        this.config = config;
        this.bossGroup = new MultiThreadIoEventLoopGroup(
                1, new DefaultThreadFactory(THREAD_PREFIX + "-accept", true), NioIoHandler.newFactory());
        this.workerGroup = new MultiThreadIoEventLoopGroup(
                config.ioThreads(), new DefaultThreadFactory(THREAD_PREFIX + "-io", true), NioIoHandler.newFactory());
        this.stats = new ServerStats();
        Engine engine;
        try {
            engine = config.redisUri() == null
                    ? new MemoryEngine(config, workerGroup, stats)
                    : redisEngine(config, workerGroup, stats);
        } catch (RuntimeException | LinkageError e) {
            shutdownGroups();
            throw e;
        }
        this.hub = new Hub(config, engine, stats);
        this.rest = new RestApi(hub);
        this.admin = new AdminApi(this);
    }

    private static Engine redisEngine(ServerConfig config, EventLoopGroup scheduler, ServerStats stats) {
        try {
            Class.forName("io.lettuce.core.RedisClient", false, ServerCore.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("The Redis engine needs io.lettuce:lettuce-core on the class path");
        }
        return new RedisEngine(config, scheduler, stats);
    }

    /** The engine's description for logs and the startup banner (never with credentials). */
    public String engineDescription() {
        return hub.engine.describe();
    }

    /** Binds the port; returns the bound port. */
    public int start() {
        ServerBootstrap b = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1 << 20, 4 << 20))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline p = ch.pipeline();
                        if (config.sslContext() != null) {
                            p.addLast("ssl", config.sslContext().newHandler(ch.alloc()));
                        }
                        p.addLast("codec", new HttpServerCodec());
                        p.addLast("aggregator", new BodyAggregator(config.maxRestBodyBytes()));
                        p.addLast("http", new HttpHandler(ServerCore.this));
                    }
                });
        try {
            serverChannel = b.bind(new InetSocketAddress(config.bindAddress(), config.port()))
                    .syncUninterruptibly()
                    .channel();
        } catch (RuntimeException e) {
            hub.engine.close();
            shutdownGroups();
            throw e;
        }
        if (config.managementPort() >= 0) {
            try {
                Class.forName(
                        "io.micrometer.prometheusmetrics.PrometheusMeterRegistry",
                        false,
                        ServerCore.class.getClassLoader());
                management = new ManagementServer(hub);
                managementPort =
                        management.start(bossGroup, workerGroup, config.bindAddress(), config.managementPort());
            } catch (ClassNotFoundException | RuntimeException e) {
                serverChannel.close().syncUninterruptibly();
                hub.engine.close();
                shutdownGroups();
                if (e instanceof ClassNotFoundException) {
                    throw new IllegalStateException("The management port needs "
                            + "io.micrometer:micrometer-registry-prometheus on the class path");
                }
                throw (RuntimeException) e;
            }
        }
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** The bound management port, -1 when it is off. */
    public int managementPort() {
        return managementPort;
    }

    /** Closes every connection with 1001 (spec D-18), then stops all threads. */
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        if (management != null) {
            management.close();
        }
        List<Conn> conns = hub.allConnections();
        CompletableFuture<?>[] closed = new CompletableFuture<?>[conns.size()];
        for (int i = 0; i < conns.size(); i++) {
            Conn c = conns.get(i);
            CompletableFuture<Void> f = new CompletableFuture<>();
            c.channel.closeFuture().addListener(x -> f.complete(null));
            c.close(CloseCodes.GOING_AWAY, "Server shutting down");
            closed[i] = f;
        }
        try {
            CompletableFuture.allOf(closed).get(3, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.debug("Some connections did not close in time: {}", e.toString());
        }
        try {
            hub.engine.close();
        } catch (RuntimeException e) {
            log.warn("Closing the engine failed: {}", e.toString());
        }
        shutdownGroups();
    }

    private void shutdownGroups() {
        var boss = bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        var workers = workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        boss.awaitUninterruptibly(5, TimeUnit.SECONDS);
        workers.awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    // ---------------------------------------------------------------- socket faults

    static void checkClose(int code, String reason) {
        boolean valid =
                (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
        if (!valid) {
            throw new IllegalArgumentException("Close code " + code + " cannot be sent in a close frame");
        }
        if (reason != null && reason.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 123) {
            throw new IllegalArgumentException("A close reason is limited to 123 bytes of UTF-8");
        }
    }

    /** A connection that is not closing, or {@code null}: one being closed or cut is not acted on again. */
    private Conn live(String cid) {
        Conn c = hub.findConnection(cid);
        return c == null || c.closing ? null : c;
    }

    /** The connections that are not closing (a closed one stays listed until its socket is gone). */
    private List<Conn> live() {
        return hub.allConnections().stream().filter((c) -> !c.closing).toList();
    }

    /** Closes one connection with a close frame; false if it is not live. */
    public boolean closeConnection(String cid, int code, String reason) {
        checkClose(code, reason);
        Conn c = live(cid);
        if (c == null) {
            return false;
        }
        c.close(code, reason == null ? "" : reason);
        return true;
    }

    public int closeAll(int code, String reason) {
        checkClose(code, reason);
        List<Conn> all = live();
        for (Conn c : all) {
            c.close(code, reason == null ? "" : reason);
        }
        return all.size();
    }

    /**
     * The 4006 reason for a connection: the URL as given, with the connection's original query appended when the URL
     * has none (spec D-15), at most 123 bytes.
     */
    static String redirectReason(String url, Conn c) {
        java.net.URI uri;
        try {
            uri = new java.net.URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("Invalid redirect URL: " + e.getMessage());
        }
        if (!"ws".equals(uri.getScheme()) && !"wss".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("The redirect URL must be an absolute ws:// or wss:// URL");
        }
        String reason = url;
        if (uri.getRawQuery() == null && c != null && !c.query.isEmpty()) {
            reason = url + "?" + c.query;
        }
        if (reason.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 123) {
            throw new IllegalArgumentException(
                    "The redirect URL (with its query) exceeds the 123-byte close reason limit");
        }
        return reason;
    }

    public boolean redirect(String cid, String url) {
        Conn c = live(cid);
        String reason = redirectReason(url, c);
        if (c == null) {
            return false;
        }
        c.close(CloseCodes.BAD_ROUTE, reason);
        return true;
    }

    public int redirectAll(String url) {
        redirectReason(url, null);
        List<Conn> all = live();
        for (Conn c : all) {
            c.close(CloseCodes.BAD_ROUTE, redirectReason(url, c));
        }
        return all.size();
    }

    public boolean cut(String cid) {
        Conn c = live(cid);
        if (c == null) {
            return false;
        }
        c.cut();
        return true;
    }

    public int cutAll() {
        List<Conn> all = live();
        all.forEach(Conn::cut);
        return all.size();
    }

    public boolean pauseWrites(String cid) {
        Conn c = hub.findConnection(cid);
        if (c != null) {
            c.pauseWrites();
        }
        return c != null;
    }

    public boolean resumeWrites(String cid) {
        Conn c = hub.findConnection(cid);
        if (c != null) {
            c.resumeWrites();
        }
        return c != null;
    }

    public boolean sendTaggedHeartbeat(String cid) {
        Conn c = hub.findConnection(cid);
        if (c == null || c.wsHandler == null) {
            return false;
        }
        c.loop.execute(c.wsHandler::sendTaggedHeartbeat);
        return true;
    }

    public CompletableFuture<Void> blast(String cid, byte[] payload, long count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0");
        }
        return hub.connection(cid).blast(payload, count);
    }

    // ---------------------------------------------------------------- REST faults

    public void failNextRequests(int count, int status) {
        if (count < 0 || status < 400 || status > 599) {
            throw new IllegalArgumentException("count must be >= 0 and status 400-599");
        }
        failStatus = status;
        failRemaining.set(count);
    }

    public long restRequestCount() {
        return restRequests.get();
    }

    public void restResponseDelay(Duration delay) {
        restDelay = delay == null || delay.isNegative() ? Duration.ZERO : delay;
    }

    HttpResult injectedRestFailure() {
        while (true) {
            int n = failRemaining.get();
            if (n <= 0) {
                return null;
            }
            if (failRemaining.compareAndSet(n, n - 1)) {
                int status = failStatus;
                return HttpResult.error(status, HttpResult.codeFor(status), "Injected failure (HTTP " + status + ")");
            }
        }
    }

    /**
     * Answers bodies over the limit with Hop's 413 envelope rather than Netty's bare response, without resetting the
     * connection: the aggregator discards the rest of the body (it keeps reading it), and the connection is closed
     * only once the whole request has arrived, and only if the request did not ask for keep-alive. Closing as soon as
     * the 413 is written (Netty's default) makes the kernel answer the client's still-arriving body with a TCP RST,
     * which can destroy the 413 before the client reads it ("Broken pipe" / "header parser received no bytes").
     */
    private static final class BodyAggregator extends HttpObjectAggregator {
        private final int max;
        /** The 413 write of a request that must be followed by a close once its body has been discarded. */
        private ChannelFuture closeAfterBody;

        BodyAggregator(int max) {
            super(max);
            this.max = max;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            HttpResult r = HttpResult.error(
                    413, "payload_too_large", "The request body exceeds the limit of " + max + " bytes");
            FullHttpResponse response = new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1,
                    HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    Unpooled.wrappedBuffer(r.body()));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
            HttpUtil.setContentLength(response, r.body().length);
            boolean keepAlive = HttpUtil.isKeepAlive(oversized);
            if (!keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            ChannelFuture written = ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            if (!keepAlive) {
                closeAfterBody = written;
            }
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, HttpObject msg, List<Object> out) throws Exception {
            boolean last = msg instanceof LastHttpContent;
            super.decode(ctx, msg, out);
            if (closeAfterBody != null && (last || !isHandlingOversizedMessage())) {
                closeAfterBody.addListener(ChannelFutureListener.CLOSE);
                closeAfterBody = null;
            }
        }
    }
}
