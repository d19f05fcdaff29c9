package io.leap.client.internal;

import io.leap.client.LeapClient;
import io.leap.client.LeapCloseException;
import io.leap.client.LeapConnectException;
import io.leap.client.LeapException;
import io.leap.client.LeapTimeoutException;
import io.leap.client.internal.codec.DecodeException;
import io.leap.client.internal.codec.Envelope;
import io.leap.client.internal.codec.FrameDecoder;
import io.leap.client.internal.codec.Frames;
import io.leap.client.transport.WebSocketConnection;
import io.leap.client.transport.WebSocketHandler;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection attempt and, if it succeeds, the live connection: the socket, its frame decoder, its
 * {@link LinkMonitor} and the progress of the handshake. Its handler methods run on the transport's reading thread;
 * it decodes frames and hands envelopes and socket events to its {@link Owner}.
 */
final class Connection implements WebSocketHandler {

    private static final Logger log = LoggerFactory.getLogger(LeapClient.class);

    /** What a connection reports to the client. */
    interface Owner {
        /** The socket opened. */
        void opened(Connection conn);

        /**
         * A payload arrived.
         *
         * @return {@code null}, or a stage that must complete before the next frame is read (backpressure)
         */
        CompletionStage<?> received(Connection conn, Envelope envelope);

        /** A frame could not be decoded; it was skipped. */
        void undecodable(DecodeException error);

        /** The peer closed the socket. */
        void closedByPeer(Connection conn, int code, String reason);

        /** The socket failed. */
        void failed(Connection conn, Throwable error);

        /** The link monitor found the link dead. */
        void linkDead(Connection conn, LeapTimeoutException reason);
    }

    final URI uri;
    final CompletableFuture<Void> identified = new CompletableFuture<>();
    final LinkMonitor monitor;
    private final FrameDecoder decoder;
    private final Owner owner;
    volatile WebSocketConnection socket;
    volatile boolean dead;
    volatile boolean helloReceived;
    volatile boolean identifySent;
    volatile boolean initReceived;
    volatile String cid;
    /** The token this attempt identifies with (never logged). */
    volatile String token;
    /** Whether this attempt is the single retry with a new token after a 4001. */
    volatile boolean authRetry;
    /** Guarded by the client's lock. */
    Scheduler.Timer helloTimer = Scheduler.NONE;

    private boolean released;

    Connection(URI uri, FrameDecoder decoder, Owner owner, LinkMonitorFactory monitors) {
        this.uri = uri;
        this.decoder = decoder;
        this.owner = owner;
        this.monitor = monitors.create(new LinkMonitor.Link() {
            @Override
            public void sendHeartbeat() {
                send(Frames.HEARTBEAT);
            }

            @Override
            public void dead(LeapTimeoutException reason) {
                owner.linkDead(Connection.this, reason);
            }
        });
    }

    /** Creates the link monitor of a connection. */
    interface LinkMonitorFactory {
        LinkMonitor create(LinkMonitor.Link link);
    }

    /** Marks the connection dead and stops its timers. Caller holds the client's lock. */
    void kill() {
        dead = true;
        helloTimer.cancel();
        monitor.stop();
    }

    /** @return whether dispatches may be sent on it (Identify sent, not dead) */
    boolean usable() {
        return identifySent && !dead;
    }

    /**
     * Sends a text frame.
     *
     * @return completes when sent; fails with {@link LeapConnectException}
     */
    CompletableFuture<Void> send(String text) {
        WebSocketConnection s = socket;
        if (s == null) {
            return CompletableFuture.failedFuture(new LeapConnectException("Not connected"));
        }
        CompletableFuture<Void> f;
        try {
            f = s.sendText(text);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        return f.handle((v, e) -> {
            if (e != null) {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                throw new CompletionException(new LeapConnectException("Send failed: " + describe(cause), cause));
            }
            return v;
        });
    }

    /** Starts heartbeats at the Hello's interval: capped at one day, none if it is not positive (both logged). */
    void startHeartbeats(long heartbeatInterval, int clientId) {
        if (heartbeatInterval > LinkMonitor.MAX_HEARTBEAT_INTERVAL_MS) {
            // Larger values would overflow the nanosecond deadlines and drop the connection at once.
            log.atWarn()
                    .addKeyValue("client", clientId)
                    .addKeyValue("heartbeat_interval", heartbeatInterval)
                    .log(
                            "Hello with an implausible heartbeat_interval of {} ms: using one day (client {})",
                            heartbeatInterval,
                            clientId);
        }
        if (heartbeatInterval > 0) {
            monitor.start(heartbeatInterval);
        } else {
            log.atWarn()
                    .addKeyValue("client", clientId)
                    .addKeyValue("heartbeat_interval", heartbeatInterval)
                    .log(
                            "Hello without a positive heartbeat_interval ({}): no heartbeats on this connection (client {})",
                            heartbeatInterval,
                            clientId);
        }
    }

    /**
     * Lets go of a lost connection's socket: with {@code closeCode} &gt; 0 sends that close frame (the error's message as
     * reason, or "Client gave up" if longer than 100 characters) and drops the socket once it went out, or after a
     * second at most; with -1 drops it at once, unless the peer closed it ({@link LeapCloseException}); with 0 leaves it.
     */
    static void release(WebSocketConnection socket, int closeCode, LeapException error, Scheduler scheduler) {
        if (socket == null) {
            return;
        }
        if (closeCode > 0) {
            CompletableFuture<Void> closing;
            try {
                closing = socket.close(
                        closeCode, error.getMessage().length() > 100 ? "Client gave up" : error.getMessage());
            } catch (RuntimeException e) {
                closing = CompletableFuture.failedFuture(e);
            }
            closing.whenComplete((v, e) -> socket.abort());
            if (scheduler.schedule(socket::abort, TimeUnit.SECONDS.toNanos(1)) == Scheduler.NONE) {
                socket.abort();
            }
        } else if (closeCode < 0 && !(error instanceof LeapCloseException)) {
            socket.abort();
        }
    }

    /** The client closes for good: a 1000 close frame (waited for up to a second), then the socket is dropped. */
    void closeForGood(int clientId) {
        WebSocketConnection s = socket;
        if (s == null) {
            return;
        }
        try {
            s.close(Protocol.CLOSE_NORMAL, "Client closed").get(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.atDebug()
                    .addKeyValue("client", clientId)
                    .log("Close frame not sent: {} (client {})", e.toString(), clientId);
        }
        s.abort();
    }

    static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + m;
    }

    @Override
    public void onOpen(WebSocketConnection connection) {
        socket = connection;
        monitor.onRead();
        owner.opened(this);
    }

    @Override
    public CompletionStage<?> onText(CharSequence data, boolean last) {
        if (dead) {
            return null;
        }
        monitor.onRead();
        try {
            Envelope env = decoder.onText(data, last);
            return env == null ? null : owner.received(this, env);
        } catch (DecodeException e) {
            owner.undecodable(e);
            return null;
        }
    }

    @Override
    public boolean acceptsUtf8Text() {
        return true;
    }

    @Override
    public CompletionStage<?> onTextUtf8(ByteBuffer data, boolean last) {
        if (dead) {
            return null;
        }
        monitor.onRead();
        try {
            Envelope env = decoder.onTextUtf8(data, last);
            return env == null ? null : owner.received(this, env);
        } catch (DecodeException e) {
            owner.undecodable(e);
            return null;
        }
    }

    @Override
    public CompletionStage<?> onBinary(ByteBuffer data, boolean last) {
        if (dead) {
            return null;
        }
        monitor.onRead();
        try {
            Envelope env = decoder.onBinary(data, last);
            return env == null ? null : owner.received(this, env);
        } catch (DecodeException e) {
            owner.undecodable(e);
            return null;
        }
    }

    @Override
    public void onClose(int statusCode, String reason) {
        release();
        owner.closedByPeer(this, statusCode, reason == null ? "" : reason);
    }

    @Override
    public void onError(Throwable error) {
        release();
        owner.failed(this, error);
    }

    private void release() {
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
        }
        decoder.release();
    }

    @Override
    public String toString() {
        return "Connection[" + uri + (cid == null ? "" : ", cid=" + cid) + (dead ? ", dead" : "") + "]";
    }
}
