package io.leap.server.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Leap protocol on one connection (spec §5, §6, §10, §11). Everything runs on the connection's event loop, so
 * inbound payloads are handled strictly in order: a dispatch that follows Identify is processed after {@code INIT}
 * has been queued (spec §6.3).
 */
final class WsHandler extends SimpleChannelInboundHandler<WebSocketFrame> {

    private static final Logger log = LoggerFactory.getLogger(WsHandler.class);

    private final Hub hub;
    private final Conn conn;
    private final long heartbeatIntervalMs;

    WsHandler(Hub hub, Conn conn) {
        this.hub = hub;
        this.conn = conn;
        this.heartbeatIntervalMs = hub.config.heartbeatInterval().toMillis();
    }

    /** Called once the upgrade response is written: Hello, then the identify and heartbeat timers. */
    void start() {
        conn.lastHeartbeatNanos = System.nanoTime();
        conn.send(Events.hello(heartbeatIntervalMs));
        long window = hub.config.identifyWindow().toNanos();
        conn.loop.schedule(
                () -> {
                    if (!conn.identified) {
                        close(CloseCodes.IDENTIFY_TIMEOUT, "Identify timeout");
                    }
                },
                window,
                TimeUnit.NANOSECONDS);
        scheduleOutOfSyncCheck(outOfSyncLimitNanos());
    }

    private long outOfSyncLimitNanos() {
        return hub.config
                .heartbeatInterval()
                .plus(hub.config.heartbeatTolerance())
                .toNanos();
    }

    private void scheduleOutOfSyncCheck(long delayNanos) {
        conn.loop.schedule(
                () -> {
                    if (conn.closing) {
                        return;
                    }
                    long silent = System.nanoTime() - conn.lastHeartbeatNanos;
                    long limit = outOfSyncLimitNanos();
                    if (silent >= limit) {
                        close(CloseCodes.OUT_OF_SYNC, "Out of sync");
                    } else {
                        scheduleOutOfSyncCheck(limit - silent);
                    }
                },
                delayNanos,
                TimeUnit.NANOSECONDS);
    }

    private void startTaggedHeartbeats() {
        long every = hub.config.taggedHeartbeatInterval().toNanos();
        if (every <= 0) {
            return;
        }
        conn.loop.schedule(
                new Runnable() {
                    @Override
                    public void run() {
                        if (conn.closing || !conn.channel.isActive()) {
                            return;
                        }
                        sendTaggedHeartbeat();
                        conn.loop.schedule(this, every, TimeUnit.NANOSECONDS);
                    }
                },
                every,
                TimeUnit.NANOSECONDS);
    }

    /** Sends op 3 with a fresh tag; a reply must come within the configured deadline, else 4007 (spec D-13). */
    void sendTaggedHeartbeat() {
        sendTaggedHeartbeat(randomTag(), null);
    }

    /** A tag as spec D-13 describes: 16 lowercase hex characters. */
    static String randomTag() {
        return HexFormat.of().formatHex(longBytes(ThreadLocalRandom.current().nextLong()));
    }

    /**
     * Sends op 3 with the tag (on the event loop). The server's deadline applies as for its own requests; a probe also
     * learns whether and when the client replied, or that its own shorter timeout passed first.
     */
    void sendTaggedHeartbeat(String tag, HeartbeatProbe probe) {
        if (conn.closing || !conn.channel.isActive()) {
            if (probe != null) {
                probe.closed();
            }
            return;
        }
        if (conn.pendingTags.containsKey(tag)) {
            if (probe != null) {
                probe.report.completeExceptionally(new IllegalStateException(
                        "A tagged heartbeat with this tag is already awaiting its reply on " + conn.cid));
            }
            return;
        }
        long now = System.nanoTime();
        Long stamp = now;
        conn.pendingTags.put(tag, stamp);
        if (probe != null) {
            probe.sent(now);
            conn.probes.put(tag, probe);
        }
        conn.send(Events.heartbeatRequest(tag));
        long deadline = hub.config.taggedHeartbeatTimeout().toNanos();
        conn.loop.schedule(
                () -> {
                    // only this request: a caller may reuse a tag once it was answered, and the new request has its own
                    // deadline
                    if (conn.pendingTags.remove(tag, stamp)) {
                        HeartbeatProbe p = conn.probes.remove(tag);
                        if (p != null) {
                            p.timedOut();
                        }
                        close(CloseCodes.OUT_OF_SYNC, "Out of sync");
                    }
                },
                deadline,
                TimeUnit.NANOSECONDS);
        if (probe != null && probe.timeoutNanos < deadline) {
            conn.loop.schedule(
                    () -> {
                        if (conn.probes.remove(tag, probe)) {
                            probe.timedOut();
                        }
                    },
                    probe.timeoutNanos,
                    TimeUnit.NANOSECONDS);
        }
    }

    private static byte[] longBytes(long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (v >>> (8 * (7 - i)));
        }
        return b;
    }

    private void close(int code, String reason) {
        if (!conn.closing) {
            log.debug("Closing {} with {} {}", conn.cid, code, reason);
        }
        conn.closeNow(code, reason);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (conn.closing) {
            // The server sent its close frame: the client's answer ends the connection; anything else is ignored.
            if (frame instanceof CloseWebSocketFrame) {
                ctx.close();
            }
            return;
        }
        if (frame instanceof TextWebSocketFrame) {
            handlePayload(ByteBufUtil.getBytes(frame.content()));
        } else if (frame instanceof BinaryWebSocketFrame) {
            byte[] json;
            try {
                json = Zlib.inflate(ByteBufUtil.getBytes(frame.content()), hub.config.maxInboundMessageBytes());
            } catch (Zlib.TooLargeException e) {
                close(CloseCodes.INVALID_PAYLOAD, "Payload too large");
                return;
            } catch (DataFormatException e) {
                close(CloseCodes.INVALID_PAYLOAD, "Invalid payload");
                return;
            }
            handlePayload(json);
        } else if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
        } else if (frame instanceof CloseWebSocketFrame close) {
            // The client closes: echo its close frame (RFC 6455 §5.5.1), then end the TCP connection.
            conn.closing = true;
            ByteBuf echo = close.content().retainedDuplicate();
            ctx.writeAndFlush(new CloseWebSocketFrame(true, 0, echo)).addListener(ChannelFutureListener.CLOSE);
        }
        // Pong frames are ignored.
    }

    private void handlePayload(byte[] json) {
        hub.stats.messageIn();
        if (json.length > hub.config.maxInboundMessageBytes()) {
            close(CloseCodes.INVALID_PAYLOAD, "Payload too large");
            return;
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (JacksonException e) {
            close(CloseCodes.INVALID_PAYLOAD, "Invalid payload");
            return;
        }
        if (!(root instanceof ObjectNode envelope)) {
            close(CloseCodes.INVALID_PAYLOAD, "Invalid payload");
            return;
        }
        JsonNode op = envelope.get("op");
        if (op == null || !op.isIntegralNumber() || !op.canConvertToInt()) {
            close(CloseCodes.INVALID_PAYLOAD, "Invalid payload");
            return;
        }
        JsonNode d = envelope.get("d");
        switch (op.intValue()) {
            case 0 -> onDispatch(d);
            case 2 -> onIdentify(d);
            case 3 -> onHeartbeat(d);
            default -> close(CloseCodes.UNKNOWN_OPCODE, "Unknown opcode");
        }
    }

    private void onIdentify(JsonNode d) {
        if (conn.identified || !(d instanceof ObjectNode data)) {
            close(CloseCodes.INVALID_PAYLOAD, "Invalid payload");
            return;
        }
        JsonNode projectId = data.get("project_id");
        JsonNode token = data.get("token");
        if ((projectId != null && !projectId.isNull() && !projectId.isString())
                || (token != null && !token.isNull() && !token.isString())) {
            close(CloseCodes.INVALID_PAYLOAD, "Invalid payload");
            return;
        }
        if (projectId == null
                || !projectId.isString()
                || !projectId.stringValue().equals(hub.config.projectId())) {
            close(CloseCodes.INVALID_AUTH, "Invalid auth");
            return;
        }
        String tokenId =
                token != null && token.isString() && !token.stringValue().isEmpty() ? token.stringValue() : null;
        if (tokenId != null && !tokenId.startsWith("leap_token_") || !hub.identify(conn, tokenId)) {
            close(CloseCodes.INVALID_AUTH, "Invalid auth");
            return;
        }
        if (!conn.closing) {
            startTaggedHeartbeats();
        }
    }

    private void onHeartbeat(JsonNode d) {
        String tag = null;
        if (d != null && !d.isNull()) {
            if (!d.isObject()) {
                close(CloseCodes.INVALID_PAYLOAD, "Invalid payload");
                return;
            }
            JsonNode t = d.get("tag");
            if (t != null && !t.isNull()) {
                if (!t.isString()) {
                    close(CloseCodes.INVALID_PAYLOAD, "Invalid payload");
                    return;
                }
                tag = t.stringValue();
            }
        }
        long now = System.nanoTime();
        conn.lastHeartbeatNanos = now;
        Long sent = tag == null || tag.isEmpty() ? null : conn.pendingTags.remove(tag);
        if (sent != null) {
            HeartbeatProbe probe = conn.probes.remove(tag);
            if (probe != null) {
                probe.answered(now);
            }
        }
        if (!hub.heartbeatAcks || !conn.heartbeatAcks) {
            return;
        }
        if (sent != null) {
            conn.send(Events.taggedAck(tag, TimeUnit.NANOSECONDS.toMillis(now - sent)));
        } else {
            conn.send(Events.PLAIN_ACK);
        }
    }

    private void onDispatch(JsonNode d) {
        if (!conn.identified) {
            close(CloseCodes.NOT_AUTHENTICATED, "Not authenticated");
            return;
        }
        if (!(d instanceof ObjectNode dispatch)) {
            close(CloseCodes.INVALID_PAYLOAD, "Invalid payload");
            return;
        }
        JsonNode e = dispatch.get("e");
        JsonNode c = dispatch.get("c");
        JsonNode data = dispatch.get("d");
        if (e == null || !e.isString() || (c != null && !c.isNull() && !c.isString())) {
            close(CloseCodes.INVALID_PAYLOAD, "Invalid payload");
            return;
        }
        String channel = c == null || c.isNull() ? null : c.stringValue();
        String event = e.stringValue();
        switch (event) {
            case "SUBSCRIBE" -> {
                if (requireChannel(channel)) {
                    hub.subscribe(conn, channel);
                }
            }
            case "UNSUBSCRIBE" -> {
                if (requireChannel(channel)) {
                    hub.unsubscribe(conn, channel);
                }
            }
            case "MESSAGE" -> {
                if (!requireChannel(channel)) {
                    return;
                }
                JsonNode userEvent = data == null ? null : data.get("e");
                if (!(data instanceof ObjectNode)
                        || userEvent == null
                        || !userEvent.isString()
                        || userEvent.stringValue().isEmpty()
                        || userEvent.stringValue().length() > 256) {
                    close(CloseCodes.INVALID_PAYLOAD, "Invalid payload");
                    return;
                }
                hub.clientMessage(conn, channel, userEvent.stringValue(), data.get("d"));
            }
            case "SET_CHANNEL_STATE" -> {
                if (!requireChannel(channel)) {
                    return;
                }
                if (!(data instanceof ObjectNode state)) {
                    close(CloseCodes.INVALID_PAYLOAD, "Invalid payload");
                    return;
                }
                if (Json.serialisedSize(state) > hub.config.maxStateBytes()) {
                    close(CloseCodes.INVALID_PAYLOAD, "Payload too large");
                    return;
                }
                hub.clientSetState(conn, channel, state);
            }
            case "PIPE_ROOM_SUBSCRIBE" -> {
                JsonNode joinToken = data instanceof ObjectNode ? data.get("join_token") : null;
                if (joinToken == null || !joinToken.isString()) {
                    close(CloseCodes.INVALID_PAYLOAD, "Invalid payload");
                    return;
                }
                ObjectNode answer = Json.object()
                        .put("join_token", joinToken.stringValue())
                        .put("graceful", false)
                        .put("error_code", "UNKNOWN");
                conn.send(Events.dispatch(null, true, "PIPE_ROOM_UNAVAILABLE", answer));
            }
            case "PIPE_ROOM_UNSUBSCRIBE" -> {
                // Pipe is not implemented (spec D-20): nothing to answer.
            }
            default -> log.debug("Ignoring unknown dispatch event from {}", conn.cid);
        }
    }

    private boolean requireChannel(String channel) {
        if (channel == null) {
            close(CloseCodes.INVALID_PAYLOAD, "Invalid payload");
            return false;
        }
        return true;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable()) {
            conn.onWritable();
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        conn.closing = true;
        conn.onClosed();
        hub.unregister(conn);
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException
                || (cause instanceof CorruptedWebSocketFrameException corrupted
                        && corrupted.closeStatus() != null
                        && corrupted.closeStatus().code() == WebSocketCloseStatus.MESSAGE_TOO_BIG.code())) {
            close(CloseCodes.INVALID_PAYLOAD, "Payload too large");
        } else if (cause instanceof CorruptedWebSocketFrameException) {
            close(CloseCodes.INVALID_PAYLOAD, "Invalid payload");
        } else {
            log.debug("Connection {} failed: {}", conn.cid, cause.toString());
            if (!conn.closing) {
                close(CloseCodes.UNKNOWN, "Unknown error");
            }
        }
    }
}
