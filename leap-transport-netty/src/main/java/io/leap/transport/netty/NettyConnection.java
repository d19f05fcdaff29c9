package io.leap.transport.netty;

import io.leap.client.transport.WebSocketConnection;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An open WebSocket on a Netty channel. Sends are written in call order (Netty queues writes from other threads on the
 * channel's event loop in submission order).
 */
final class NettyConnection implements WebSocketConnection {
    /** After our close frame, how long the server has to answer before the connection is dropped. */
    private static final long CLOSE_WAIT_SECONDS = 5;

    private final Channel channel;
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile CompletableFuture<Void> closeFuture;

    NettyConnection(Channel channel) {
        this.channel = channel;
    }

    boolean closeSent() {
        return closing.get();
    }

    @Override
    public CompletableFuture<Void> sendText(String text) {
        if (!channel.isActive()) {
            return CompletableFuture.failedFuture(new ClosedChannelException());
        }
        return adapt(channel.writeAndFlush(new TextWebSocketFrame(text)));
    }

    @Override
    public CompletableFuture<Void> close(int statusCode, String reason) {
        if (!closing.compareAndSet(false, true)) {
            CompletableFuture<Void> f = closeFuture;
            return f == null ? CompletableFuture.completedFuture(null) : f;
        }
        if (!channel.isActive()) {
            CompletableFuture<Void> f = CompletableFuture.failedFuture(new ClosedChannelException());
            closeFuture = f;
            return f;
        }
        CompletableFuture<Void> f = adapt(channel.writeAndFlush(new CloseWebSocketFrame(statusCode, reason)));
        closeFuture = f;
        channel.eventLoop()
                .schedule(
                        () -> {
                            channel.close();
                        },
                        CLOSE_WAIT_SECONDS,
                        TimeUnit.SECONDS);
        return f;
    }

    @Override
    public void abort() {
        channel.close();
    }

    private static CompletableFuture<Void> adapt(ChannelFuture future) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        future.addListener(f -> {
            if (f.isSuccess()) {
                result.complete(null);
            } else {
                result.completeExceptionally(f.cause());
            }
        });
        return result;
    }

    @Override
    public String toString() {
        return "NettyConnection[" + channel + "]";
    }
}
