package io.leap.server.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the single port: WebSocket upgrades on {@code /ws} and {@code /1.0/ws}, the Channels REST API under
 * {@code /v1}, and (when enabled) the fault-injection API under {@code /admin}.
 */
final class HttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(HttpHandler.class);

    private final ServerCore core;

    HttpHandler(ServerCore core) {
        this.core = core;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.decoderResult().isSuccess()) {
            respond(ctx, req, HttpResult.error(400, "invalid_request", "Malformed HTTP request"), false);
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        String path = uri.rawPath();
        if (path.equals("/ws") || path.equals("/1.0/ws")) {
            upgrade(ctx, req, uri);
        } else if (path.equals("/v1") || path.startsWith("/v1/")) {
            rest(ctx, req, uri);
        } else if (core.config.adminApi() && path.startsWith("/admin/")) {
            admin(ctx, req, uri, path);
        } else {
            respond(ctx, req, HttpResult.error(404, "not_found", "No route for " + path), true);
        }
    }

    /**
     * Admin routes may answer later (a tagged heartbeat's reply, a burst's writes): reading stops meanwhile, so
     * answers on one HTTP connection keep the order of its requests.
     */
    private void admin(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri, String path) {
        CompletableFuture<HttpResult> answer;
        try {
            answer = core.admin.handle(
                    req.method().name(),
                    RestApi.decodeSegments(path.substring(7)),
                    uri.parameters(),
                    req.headers().get(HttpHeaderNames.AUTHORIZATION),
                    bytes(req));
        } catch (IllegalArgumentException e) {
            answer = CompletableFuture.completedFuture(HttpResult.error(400, "invalid_request", e.getMessage()));
        }
        if (answer.isDone()) {
            respond(ctx, req, answer.join(), true);
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        HttpVersion version = req.protocolVersion();
        ctx.channel().config().setAutoRead(false);
        answer.whenComplete((result, e) -> ctx.executor().execute(() -> {
            HttpResult r = result != null ? result : HttpResult.error(500, "internal_error", "Internal error");
            write(ctx, toResponse(version, r, keepAlive), keepAlive);
            ctx.channel().config().setAutoRead(true);
        }));
    }

    private static byte[] bytes(FullHttpRequest req) {
        byte[] body = new byte[req.content().readableBytes()];
        req.content().getBytes(req.content().readerIndex(), body);
        return body;
    }

    private void rest(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri) {
        core.restRequests.incrementAndGet();
        HttpResult result = core.injectedRestFailure();
        if (result == null) {
            List<String> segments;
            try {
                segments = RestApi.decodeSegments(uri.rawPath().substring(3));
                result = core.rest.handle(new RestApi.Request(
                        req.method().name(),
                        segments,
                        uri.parameters(),
                        req.headers().get(HttpHeaderNames.AUTHORIZATION),
                        bytes(req)));
            } catch (IllegalArgumentException e) {
                result = HttpResult.error(400, "invalid_request", e.getMessage());
            } catch (RuntimeException e) {
                log.warn("REST request failed", e);
                result = HttpResult.error(500, "internal_error", "Internal error");
            }
        }
        long delayMs = core.restDelay.toMillis();
        if (delayMs > 0) {
            HttpResult delayed = result;
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            FullHttpResponse response = toResponse(req.protocolVersion(), delayed, keepAlive);
            ctx.executor().schedule(() -> write(ctx, response, keepAlive), delayMs, TimeUnit.MILLISECONDS);
        } else {
            respond(ctx, req, result, true);
        }
    }

    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri) {
        core.hub.connectionAttempts.incrementAndGet();
        if (!"websocket".equalsIgnoreCase(req.headers().get(HttpHeaderNames.UPGRADE))) {
            respond(ctx, req, HttpResult.error(400, "invalid_request", "Expected a WebSocket upgrade"), false);
            return;
        }
        Map<String, List<String>> params = uri.parameters();
        String encoding = first(params, "encoding", "json");
        String compression = first(params, "compression", "none");
        if (!encoding.equals("json")) {
            respond(
                    ctx,
                    req,
                    HttpResult.error(
                            400,
                            "invalid_request",
                            "Unsupported encoding '" + encoding + "': this server speaks json only"),
                    false);
            return;
        }
        if (!compression.equals("zlib") && !compression.equals("none")) {
            respond(
                    ctx,
                    req,
                    HttpResult.error(
                            400,
                            "invalid_request",
                            "Unsupported compression '" + compression + "': expected zlib or none"),
                    false);
            return;
        }
        boolean tls = ctx.pipeline().get(SslHandler.class) != null;
        String location =
                (tls ? "wss://" : "ws://") + req.headers().get(HttpHeaderNames.HOST, "localhost") + uri.rawPath();
        int limit = core.config.maxInboundMessageBytes();
        WebSocketDecoderConfig decoderConfig = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(limit)
                .allowExtensions(false)
                .closeOnProtocolViolation(false)
                .build();
        WebSocketServerHandshaker handshaker =
                new WebSocketServerHandshakerFactory(location, null, decoderConfig).newHandshaker(req);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        String query = uri.rawQuery();
        Conn conn = new Conn(
                core.hub,
                ctx.channel(),
                Hub.randomId("conn_", 16),
                compression.equals("zlib"),
                query == null ? "" : query);
        WsHandler ws = new WsHandler(core.hub, conn);
        ChannelPipeline p = ctx.pipeline();
        p.addLast("ws-aggregator", new WebSocketFrameAggregator(limit));
        p.addLast("leap-ws", ws);
        conn.wsHandler = ws;
        core.hub.register(conn);
        handshaker.handshake(ctx.channel(), req).addListener(f -> {
            if (!f.isSuccess()) {
                ctx.channel().close();
            }
        });
        p.remove(this);
        ws.start();
    }

    private static String first(Map<String, List<String>> params, String name, String fallback) {
        List<String> values = params.get(name);
        return values == null || values.isEmpty() ? fallback : values.get(0);
    }

    private static void respond(
            ChannelHandlerContext ctx, FullHttpRequest req, HttpResult result, boolean mayKeepAlive) {
        boolean keepAlive = mayKeepAlive && HttpUtil.isKeepAlive(req);
        write(ctx, toResponse(req.protocolVersion(), result, keepAlive), keepAlive);
    }

    private static FullHttpResponse toResponse(HttpVersion version, HttpResult result, boolean keepAlive) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                version,
                HttpResponseStatus.valueOf(result.status()),
                result.body() == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(result.body()));
        if (result.body() != null) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
        }
        if (result.status() != 204) {
            HttpUtil.setContentLength(response, response.content().readableBytes());
        }
        if (keepAlive) {
            if (version.equals(HttpVersion.HTTP_1_0)) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return response;
    }

    private static void write(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        if (!ctx.channel().isActive()) {
            ReferenceCountUtil.release(response);
            return;
        }
        if (keepAlive) {
            ctx.writeAndFlush(response, ctx.voidPromise());
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("HTTP connection failed: {}", cause.toString());
        ctx.close();
    }
}
