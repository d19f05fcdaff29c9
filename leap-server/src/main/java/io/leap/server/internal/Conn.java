package io.leap.server.internal;

import io.leap.server.ConnectionInfo;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One socket connection. Outbound payloads from any thread go through an ordered queue that the connection's event
 * loop drains in batches with a single flush, so events keep the order in which they were produced (spec D-16) and
 * a burst costs one syscall per batch rather than one per message.
 */
final class Conn {

    private static final int DRAIN_BATCH = 4096;

    final Hub hub;
    final Channel channel;
    final EventLoop loop;
    final String cid;
    final boolean zlib;
    final String query;
    final Instant connectedAt = Instant.now();

    // Written under the hub's lock; volatile because info() reads it from any thread.
    volatile TokenRec token;
    volatile boolean identified;
    final Set<ChannelRec> anonymousSubscriptions = new LinkedHashSet<>();

    private final Queue<Frame> outbound = new ConcurrentLinkedQueue<>();
    /** JSON bytes queued and not yet handed to the socket: bounded by {@code ServerConfig.maxQueuedBytes}. */
    private final AtomicLong queuedBytes = new AtomicLong();

    private volatile boolean overflowed;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drainTask = this::drain;
    private volatile boolean paused;
    volatile boolean closing;
    /** The close code this server sent, 0 while it sent none (the peer closed, or the link dropped). */
    volatile int closeCode;

    // Event-loop confined heartbeat state.
    long lastHeartbeatNanos = System.nanoTime();
    final Map<String, Long> pendingTags = new HashMap<>(2);
    /** Tagged heartbeats whose answer a caller awaits, by tag (a subset of {@link #pendingTags}). */
    final Map<String, HeartbeatProbe> probes = new HashMap<>(2);

    /** Whether this connection gets op 4 acks (when the server-wide switch is on too). */
    volatile boolean heartbeatAcks = true;

    /** Set once the upgrade is accepted; used to send tagged heartbeats on demand. */
    WsHandler wsHandler;

    // Event-loop confined blast state.
    private Blast blast;

    Conn(Hub hub, Channel channel, String cid, boolean zlib, String query) {
        this.hub = hub;
        this.channel = channel;
        this.loop = channel.eventLoop();
        this.cid = cid;
        this.zlib = zlib;
        this.query = query;
    }

    /**
     * Queues a payload for this connection; safe from any thread. Dropped once the connection is closing. A connection
     * whose backlog (this queue while writes are paused, plus what the socket has not taken yet) exceeds the
     * configured bound is closed with 4007: it has already missed events it can only recover by reconnecting (spec D-4
     * at-most-once delivery).
     */
    void send(Frame frame) {
        if (closing || overflowed) {
            return;
        }
        if (queuedBytes.addAndGet(frame.json.length) + socketBacklog() > hub.config.maxQueuedBytes()) {
            overflow();
            return;
        }
        if (frame.tracker != null) {
            frame.tracker.queued(this);
        }
        outbound.offer(frame);
        if (drainScheduled.compareAndSet(false, true)) {
            loop.execute(drainTask);
        }
    }

    private WebSocketFrame toWebSocketFrame(Frame frame) {
        return zlib
                ? new BinaryWebSocketFrame(Unpooled.wrappedBuffer(frame.zlib()))
                : new TextWebSocketFrame(Unpooled.wrappedBuffer(frame.json));
    }

    /** Writes without flushing; a burst copy reports to its tracker once its bytes have reached the socket. */
    private void write(Frame frame) {
        BurstTracker tracker = frame.tracker;
        if (tracker == null) {
            channel.write(toWebSocketFrame(frame), channel.voidPromise());
        } else {
            channel.write(toWebSocketFrame(frame)).addListener(f -> {
                if (f.isSuccess()) {
                    tracker.written(this);
                }
            });
        }
    }

    /** Bytes written to the socket but not yet taken by the kernel (Netty's outbound buffer, off-heap). */
    private long socketBacklog() {
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }

    private void overflow() {
        overflowed = true;
        loop.execute(() -> {
            if (closing) {
                return;
            }
            long dropped = 0;
            while (outbound.poll() != null) {
                dropped++;
            }
            queuedBytes.set(0);
            hub.stats.dropped(dropped + 1);
            Hub.connectionLog.warn(
                    "Connection {} closed: its outbound queue exceeded {} bytes ({} payloads dropped)",
                    cid,
                    hub.config.maxQueuedBytes(),
                    dropped + 1);
            closeNow(CloseCodes.OUT_OF_SYNC, "Out of sync");
        });
    }

    private void drain() {
        if (paused || !channel.isActive()) {
            drainScheduled.set(false);
            return;
        }
        int written = 0;
        Frame frame;
        // re-checks the pause per payload: pauseWrites() holds what a running batch has not written yet
        while (!paused && (frame = outbound.poll()) != null) {
            queuedBytes.addAndGet(-frame.json.length);
            write(frame);
            if (++written == DRAIN_BATCH) {
                channel.flush();
                hub.stats.messagesOut(written);
                loop.execute(drainTask); // stay scheduled, but let other connections of this loop run
                return;
            }
        }
        if (written > 0) {
            channel.flush();
            hub.stats.messagesOut(written);
        }
        drainScheduled.set(false);
        if (!outbound.isEmpty() && drainScheduled.compareAndSet(false, true)) {
            loop.execute(drainTask);
        }
    }

    void pauseWrites() {
        paused = true;
    }

    void resumeWrites() {
        paused = false;
        if (drainScheduled.compareAndSet(false, true)) {
            loop.execute(drainTask);
        }
    }

    /** Sends a close frame with the code and reason, then closes the TCP connection. Any thread; idempotent. */
    void close(int code, String reason) {
        loop.execute(() -> closeNow(code, reason));
    }

    /** On the event loop: queued payloads go out first (unless writes are paused), then the close frame. */
    void closeNow(int code, String reason) {
        if (closing) {
            return;
        }
        if (!paused && !overflowed) {
            drainScheduled.set(true);
            Frame frame;
            while ((frame = outbound.poll()) != null) {
                write(frame);
            }
        }
        closing = true;
        closeCode = code;
        outbound.clear();
        queuedBytes.set(0);
        // RFC 6455 §7.1.1: wait for the client's close frame (WsHandler closes the TCP connection when it arrives)
        // instead of closing at once. Closing while the client is still sending (a heartbeat, Identify) would make
        // the kernel answer its bytes with a reset, and the client could lose the close frame, its code and reason:
        // a 4001 would then look like a network error and be retried.
        channel.writeAndFlush(new CloseWebSocketFrame(code, reason))
                .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        // A peer that never answers (or stopped reading) gets its TCP connection closed after a grace period.
        loop.schedule(
                () -> {
                    channel.close();
                },
                2,
                TimeUnit.SECONDS);
    }

    /** Closes the TCP connection without a close frame. */
    void cut() {
        closing = true;
        channel.close();
    }

    /**
     * Writes {@code count} copies of a pre-encoded payload as fast as the socket takes them. Copies are packed into
     * chunks of complete WebSocket frames written straight to the transport, and the writer waits for writability so
     * the outbound buffer stays bounded.
     */
    CompletableFuture<Void> blast(byte[] payload, long count) {
        if (count == 0) {
            return CompletableFuture.completedFuture(null);
        }
        byte[] body = zlib ? Zlib.deflate(payload) : payload;
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            if (blast != null) {
                done.completeExceptionally(new IllegalStateException("A blast is already running on " + cid));
                return;
            }
            blast = new Blast(WireFrames.chunk(body, zlib, count), count, done);
            continueBlast();
        });
        return done;
    }

    /** Called on the event loop when the channel becomes writable again. */
    void onWritable() {
        if (blast != null) {
            continueBlast();
        }
    }

    private void continueBlast() {
        Blast b = blast;
        if (!channel.isActive()) {
            blast = null;
            b.chunk.release();
            b.done.completeExceptionally(new IllegalStateException("Connection " + cid + " closed during the blast"));
            return;
        }
        while (b.remaining > 0 && channel.isWritable()) {
            int frames = (int) Math.min(b.framesPerChunk, b.remaining);
            ByteBuf slice = b.chunk.retainedSlice(0, frames * b.frameLength);
            b.remaining -= frames;
            if (b.remaining == 0) {
                blast = null;
                b.chunk.release();
                channel.writeAndFlush(slice).addListener(f -> {
                    if (f.isSuccess()) {
                        b.done.complete(null);
                    } else {
                        b.done.completeExceptionally(f.cause());
                    }
                });
                return;
            }
            channel.write(slice, channel.voidPromise());
            if (++b.unflushed == 8) {
                b.unflushed = 0;
                channel.flush();
            }
        }
        channel.flush();
    }

    void onClosed() {
        Blast b = blast;
        if (b != null) {
            blast = null;
            b.chunk.release();
            b.done.completeExceptionally(new IllegalStateException("Connection " + cid + " closed during the blast"));
        }
        outbound.clear();
        pendingTags.clear();
        for (HeartbeatProbe p : probes.values()) {
            p.closed();
        }
        probes.clear();
    }

    ConnectionInfo info() {
        TokenRec t = token;
        return new ConnectionInfo(cid, t == null ? null : t.id, identified, zlib, query, connectedAt);
    }

    private static final class Blast {
        final ByteBuf chunk;
        final int frameLength;
        final int framesPerChunk;
        final CompletableFuture<Void> done;
        long remaining;
        int unflushed;

        Blast(WireFrames.Chunk c, long count, CompletableFuture<Void> done) {
            this.chunk = c.buffer();
            this.frameLength = c.frameLength();
            this.framesPerChunk = c.frames();
            this.remaining = count;
            this.done = done;
        }
    }
}
