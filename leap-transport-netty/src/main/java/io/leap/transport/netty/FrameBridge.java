package io.leap.transport.netty;

import io.leap.client.transport.WebSocketConnection;
import io.leap.client.transport.WebSocketHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The last handler of a connection's pipeline: completes the connect future on the handshake, passes frames to the
 * {@link WebSocketHandler} (on the channel's event loop, one at a time, in order) and applies its backpressure. Not
 * shared between channels.
 */
final class FrameBridge extends ChannelInboundHandlerAdapter {
    private static final int NONE = 0;
    private static final int TEXT = 1;
    private static final int BINARY = 2;

    private final WebSocketHandler handler;
    private final CompletableFuture<WebSocketConnection> connected;
    private final boolean utf8;
    private final int maxMessageLength;

    private NettyConnection connection;
    /** Type of the fragmented message in progress, for continuation frames. */
    private int fragmented = NONE;
    /** Text fragments joined for a handler that takes characters. */
    private ByteBuf textParts;
    /** A handler stage is pending: read nothing more and keep frames already read. */
    private boolean paused;

    private final ArrayDeque<WebSocketFrame> backlog = new ArrayDeque<>();
    private boolean ended;

    FrameBridge(WebSocketHandler handler, CompletableFuture<WebSocketConnection> connected, int maxMessageLength) {
        this.handler = handler;
        this.connected = connected;
        this.utf8 = handler.acceptsUtf8Text();
        this.maxMessageLength = maxMessageLength;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            connection = new NettyConnection(ctx.channel());
            try {
                handler.onOpen(connection);
            } finally {
                connected.complete(connection);
            }
        } else if (evt == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
            connected.completeExceptionally(new WebSocketHandshakeException("WebSocket handshake timed out"));
            ctx.close();
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof WebSocketFrame frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (paused || !backlog.isEmpty()) {
            backlog.add(frame);
            return;
        }
        deliver(ctx, frame);
    }

    /** Hands one frame to the handler and releases it. */
    private void deliver(ChannelHandlerContext ctx, WebSocketFrame frame) {
        try {
            if (ended) {
                return;
            }
            CompletionStage<?> stage = null;
            boolean last = frame.isFinalFragment();
            if (frame instanceof TextWebSocketFrame) {
                stage = text(ctx, frame.content(), last);
                fragmented = last ? NONE : TEXT;
            } else if (frame instanceof BinaryWebSocketFrame) {
                stage = handler.onBinary(frame.content().nioBuffer(), last);
                fragmented = last ? NONE : BINARY;
            } else if (frame instanceof ContinuationWebSocketFrame) {
                if (fragmented == TEXT) {
                    stage = text(ctx, frame.content(), last);
                } else if (fragmented == BINARY) {
                    stage = handler.onBinary(frame.content().nioBuffer(), last);
                }
                if (last) {
                    fragmented = NONE;
                }
            } else if (frame instanceof CloseWebSocketFrame close) {
                onCloseFrame(ctx, close);
            }
            if (stage != null) {
                pause(ctx, stage);
            }
        } finally {
            frame.release();
        }
    }

    private CompletionStage<?> text(ChannelHandlerContext ctx, ByteBuf content, boolean last) {
        if (utf8) {
            return handler.onTextUtf8(content.nioBuffer(), last);
        }
        if (textParts == null && last) {
            return handler.onText(content.toString(StandardCharsets.UTF_8), true);
        }
        if (textParts == null) {
            textParts = Unpooled.buffer(content.readableBytes() * 2);
        }
        if ((long) textParts.readableBytes() + content.readableBytes() > maxMessageLength) {
            textParts.release();
            textParts = null;
            exceptionCaught(
                    ctx,
                    new IllegalStateException("Fragmented text message longer than " + maxMessageLength + " bytes"));
            return null;
        }
        textParts.writeBytes(content);
        if (!last) {
            return null;
        }
        String text = textParts.toString(StandardCharsets.UTF_8);
        textParts.release();
        textParts = null;
        return handler.onText(text, true);
    }

    private void pause(ChannelHandlerContext ctx, CompletionStage<?> stage) {
        paused = true;
        ctx.channel().config().setAutoRead(false);
        stage.whenComplete((r, e) -> {
            if (ctx.executor().inEventLoop()) {
                resume(ctx);
            } else {
                ctx.executor().execute(() -> resume(ctx));
            }
        });
    }

    private void resume(ChannelHandlerContext ctx) {
        paused = false;
        WebSocketFrame next;
        while (!paused && (next = backlog.poll()) != null) {
            deliver(ctx, next);
        }
        if (!paused && ctx.channel().isActive()) {
            ctx.channel().config().setAutoRead(true); // also asks for the next read
        }
    }

    private void onCloseFrame(ChannelHandlerContext ctx, CloseWebSocketFrame close) {
        int code = close.statusCode();
        String reason = close.reasonText();
        end(code < 0 ? 1005 : code, reason == null ? "" : reason);
        if (connection != null && connection.closeSent()) {
            ctx.close();
        } else {
            CloseWebSocketFrame echo = code < 0 ? new CloseWebSocketFrame() : new CloseWebSocketFrame(code, "");
            ctx.writeAndFlush(echo).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void end(int code, String reason) {
        if (!ended) {
            ended = true;
            handler.onClose(code, reason);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releaseBuffers();
        if (!connected.isDone()) {
            connected.completeExceptionally(new ConnectException("Connection closed during the WebSocket handshake"));
        } else {
            end(1006, "");
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!connected.isDone()) {
            connected.completeExceptionally(cause);
        } else if (!ended) {
            ended = true;
            handler.onError(cause);
        }
        releaseBuffers();
        ctx.close();
    }

    private void releaseBuffers() {
        WebSocketFrame f;
        while ((f = backlog.poll()) != null) {
            f.release();
        }
        if (textParts != null) {
            textParts.release();
            textParts = null;
        }
    }
}
