package io.leap.server.internal;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.node.ObjectNode;

/**
 * The management port: {@code GET /health} (liveness and readiness, readiness including the engine's store),
 * {@code /health/liveness}, {@code /health/readiness} (200 or 503) and {@code GET /metrics} (Prometheus text format,
 * via Micrometer). It carries no Leap traffic and no credentials; bind it where only operators and the load balancer
 * reach it.
 */
public final class ManagementServer implements AutoCloseable {

    private final Hub hub;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private Channel channel;

    public ManagementServer(Hub hub) {
        this.hub = hub;
        ServerStats s = hub.stats;
        Gauge.builder("leap.connections", hub, Hub::connectionCount)
                .description("Live socket connections")
                .register(registry);
        Gauge.builder("leap.sessions", hub, Hub::sessionCount)
                .description("Live sessions on this node")
                .register(registry);
        Gauge.builder("leap.ready", hub, h -> h.ready() ? 1 : 0)
                .description("1 while the node can serve (its engine's store answers)")
                .register(registry);
        FunctionCounter.builder("leap.connection.attempts", hub, Hub::connectionAttempts)
                .description("WebSocket upgrade requests, refused ones included")
                .register(registry);
        FunctionCounter.builder("leap.messages.in", s, ServerStats::messagesIn)
                .description("Payloads received from sockets")
                .register(registry);
        FunctionCounter.builder("leap.messages.out", s, ServerStats::messagesOut)
                .description("Payloads written to sockets")
                .register(registry);
        FunctionCounter.builder("leap.dropped.frames", s, ServerStats::droppedFrames)
                .description("Payloads dropped because a connection's outbound queue overflowed")
                .register(registry);
        FunctionCounter.builder("leap.redis.round.trips", hub.engine, Engine::redisRoundTrips)
                .description("Commands sent to Redis")
                .register(registry);
        FunctionTimer.builder("leap.fanout", s, ServerStats::fanOuts, ServerStats::fanOutNanos, TimeUnit.NANOSECONDS)
                .description("Time to hand one channel event to every recipient on this node")
                .register(registry);
    }

    /** Binds the management port on the group; returns the bound port. */
    public int start(EventLoopGroup boss, EventLoopGroup workers, java.net.InetAddress address, int port) {
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192), new Handler());
                    }
                });
        channel = b.bind(new InetSocketAddress(address, port))
                .syncUninterruptibly()
                .channel();
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        registry.close();
    }

    private ObjectNode health(boolean liveness, boolean readiness) {
        boolean ready = hub.ready();
        ObjectNode o = Json.object();
        o.put("status", !readiness || ready ? "UP" : "DOWN");
        if (liveness && readiness) {
            o.put("liveness", "UP");
            o.put("readiness", ready ? "UP" : "DOWN");
        }
        if (readiness) {
            o.put("engine", hub.engine.describe());
            o.put("connections", hub.connectionCount());
        }
        return o;
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            String path = new QueryStringDecoder(req.uri()).path();
            HttpResponseStatus status = HttpResponseStatus.OK;
            String type = "application/json";
            String body;
            if (!req.method().equals(HttpMethod.GET) && !req.method().equals(HttpMethod.HEAD)) {
                status = HttpResponseStatus.METHOD_NOT_ALLOWED;
                body = "{\"status\":\"method not allowed\"}";
            } else {
                switch (path) {
                    case "/health" -> {
                        ObjectNode h = health(true, true);
                        status = "UP".equals(h.get("status").stringValue())
                                ? HttpResponseStatus.OK
                                : HttpResponseStatus.SERVICE_UNAVAILABLE;
                        body = h.toString();
                    }
                    case "/health/liveness" -> body = health(true, false).toString();
                    case "/health/readiness" -> {
                        ObjectNode h = health(false, true);
                        status = hub.ready() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE;
                        body = h.toString();
                    }
                    case "/metrics" -> {
                        type = "text/plain; version=0.0.4; charset=utf-8";
                        body = registry.scrape();
                    }
                    default -> {
                        status = HttpResponseStatus.NOT_FOUND;
                        body = "{\"status\":\"not found\",\"routes\":[\"/health\",\"/health/liveness\","
                                + "\"/health/readiness\",\"/metrics\"]}";
                    }
                }
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            FullHttpResponse r = new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1,
                    status,
                    req.method().equals(HttpMethod.HEAD) ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
            HttpUtil.setContentLength(r, bytes.length);
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            HttpUtil.setKeepAlive(r, keepAlive);
            var f = ctx.writeAndFlush(r);
            if (!keepAlive) {
                f.addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
