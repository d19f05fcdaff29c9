package io.leap.client.internal;

import io.leap.client.Channel;
import io.leap.client.LeapClient;
import io.leap.client.LeapClosedException;
import io.leap.client.LeapConnectException;
import io.leap.client.LeapException;
import io.leap.client.LeapSubscriptionException;
import io.leap.client.LeapTimeoutException;
import io.leap.client.internal.SubscriptionTable.PendingSubscribe;
import io.leap.client.internal.SubscriptionTable.PendingUnsubscribe;
import io.leap.client.internal.codec.Frames;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The channel half of the client: subscribe and unsubscribe requests with their timeouts, their answers
 * ({@code AVAILABLE}, {@code UNAVAILABLE}), the periodic retry of wanted channels, and the dispatches a session sends
 * (publish, set channel state). Bookkeeping is the {@link SubscriptionTable}'s; this class sends the frames and
 * completes the futures, under the {@link ConnectionSupervisor}'s lock.
 */
final class ChannelRequests {

    private static final Logger log = LoggerFactory.getLogger(LeapClient.class);

    private final int clientId;
    private final ClientConfig config;
    private final JsonMapper mapper;
    private final Frames frames;
    private final Scheduler scheduler;
    private final ConnectionSupervisor supervisor;
    private final Object lock;
    private final ConnectionStateMachine lifecycle;
    private final SubscriptionTable subscriptions;

    ChannelRequests(
            int clientId,
            ClientConfig config,
            JsonMapper mapper,
            Frames frames,
            Scheduler scheduler,
            ConnectionSupervisor supervisor,
            Object lock,
            ConnectionStateMachine lifecycle,
            SubscriptionTable subscriptions) {
        this.clientId = clientId;
        this.config = config;
        this.mapper = mapper;
        this.frames = frames;
        this.scheduler = scheduler;
        this.supervisor = supervisor;
        this.lock = lock;
        this.lifecycle = lifecycle;
        this.subscriptions = subscriptions;
    }

    static String requireChannel(String channelId) {
        if (channelId == null || channelId.isEmpty()) {
            throw new IllegalArgumentException("channelId must not be empty");
        }
        return channelId;
    }

    CompletableFuture<Channel> subscribeAsync(String channelId, Duration timeout) {
        return subscribe0(requireChannel(channelId), timeout);
    }

    private CompletableFuture<Channel> subscribe0(String channelId, Duration timeout) {
        Connection sendOn;
        PendingSubscribe pending;
        synchronized (lock) {
            if (lifecycle.closed()) {
                return CompletableFuture.failedFuture(new LeapClosedException("The client is closed"));
            }
            if (!lifecycle.running() && supervisor.current() == null) {
                return CompletableFuture.failedFuture(new LeapConnectException(
                        "Not connected: call connect() first (state " + lifecycle.state() + ")"));
            }
            PendingSubscribe existing = subscriptions.pendingSubscribe(channelId);
            if (existing != null) {
                return existing.future.copy();
            }
            Connection c = supervisor.current();
            sendOn = c != null && c.usable() ? c : null;
            pending = subscriptions.addSubscribe(channelId, sendOn);
            pending.timer = scheduler.schedule(() -> subscribeTimedOut(pending, timeout), timeout.toNanos());
        }
        if (sendOn != null) {
            sendOn.send(frames.dispatch(channelId, Protocol.SUBSCRIBE, null));
        }
        return pending.future.copy();
    }

    private void subscribeTimedOut(PendingSubscribe p, Duration timeout) {
        synchronized (lock) {
            if (!subscriptions.subscribeTimedOut(p)) {
                return;
            }
        }
        p.future.completeExceptionally(new LeapTimeoutException(
                "No answer to SUBSCRIBE '" + p.channelId + "' within " + timeout.toMillis() + " ms"));
    }

    CompletableFuture<Void> unsubscribeAsync(String channelId) {
        requireChannel(channelId);
        Connection sendOn = null;
        PendingUnsubscribe pending;
        PendingSubscribe cancelled;
        synchronized (lock) {
            if (lifecycle.closed()) {
                return CompletableFuture.failedFuture(new LeapClosedException("The client is closed"));
            }
            cancelled = subscriptions.giveUp(channelId);
            PendingUnsubscribe existing = subscriptions.pendingUnsubscribe(channelId);
            if (existing != null) {
                pending = existing;
            } else {
                Connection c = supervisor.current();
                if (c == null || !c.usable()) {
                    // Anonymous subscriptions die with the connection; a token's are reconciled after INIT.
                    subscriptions.unsubscribeLater(channelId);
                    pending = null;
                } else {
                    PendingUnsubscribe u = subscriptions.addUnsubscribe(channelId);
                    u.timer = scheduler.schedule(
                            () -> unsubscribeTimedOut(u),
                            config.subscribeTimeout().toNanos());
                    pending = u;
                    sendOn = c;
                }
            }
        }
        if (cancelled != null) {
            cancelled.future.completeExceptionally(new LeapSubscriptionException(channelId, "UNSUBSCRIBED"));
        }
        if (pending == null) {
            return CompletableFuture.completedFuture(null);
        }
        if (sendOn != null) {
            sendOn.send(frames.dispatch(channelId, Protocol.UNSUBSCRIBE, null));
        }
        return pending.future.copy();
    }

    private void unsubscribeTimedOut(PendingUnsubscribe u) {
        synchronized (lock) {
            if (!subscriptions.unsubscribeTimedOut(u)) {
                return;
            }
        }
        u.future.completeExceptionally(new LeapTimeoutException("No answer to UNSUBSCRIBE '" + u.channelId + "' within "
                + config.subscribeTimeout().toMillis() + " ms"));
    }

    CompletableFuture<Void> publishAsync(String channelId, String event, Object data) {
        requireChannel(channelId);
        if (event == null || event.isEmpty()) {
            throw new IllegalArgumentException("event must not be empty");
        }
        String text;
        try {
            text = frames.message(channelId, event, data);
        } catch (JacksonException e) {
            return CompletableFuture.failedFuture(
                    new LeapException("Cannot serialise message data: " + e.getOriginalMessage(), e));
        }
        return sendDispatch(text);
    }

    CompletableFuture<Void> setChannelStateAsync(String channelId, Object state) {
        requireChannel(channelId);
        JsonNode tree;
        try {
            tree = mapper.valueToTree(state);
        } catch (JacksonException | IllegalArgumentException e) {
            return CompletableFuture.failedFuture(
                    new LeapException("Cannot serialise channel state: " + e.getMessage(), e));
        }
        if (tree == null || !tree.isObject()) {
            return CompletableFuture.failedFuture(
                    new IllegalArgumentException("Channel state must serialise to a JSON object"));
        }
        return sendDispatch(frames.dispatch(channelId, Protocol.SET_CHANNEL_STATE, tree));
    }

    private CompletableFuture<Void> sendDispatch(String text) {
        Connection c;
        synchronized (lock) {
            if (lifecycle.closed()) {
                return CompletableFuture.failedFuture(new LeapClosedException("The client is closed"));
            }
            c = supervisor.current();
            if (c == null || !c.usable()) {
                return CompletableFuture.failedFuture(
                        new LeapConnectException("Not connected (state " + lifecycle.state() + ")"));
            }
        }
        return c.send(text);
    }

    boolean onAvailable(Connection conn, String channelId, Channel channel) {
        SubscriptionTable.Answer answer;
        synchronized (lock) {
            if (conn.dead || supervisor.current() != conn) {
                return false;
            }
            answer = subscriptions.onAvailable(channelId);
        }
        if (answer.subscribe() != null) {
            supervisor.completeAsync(answer.subscribe().future, channel);
        }
        return answer.dispatch();
    }

    boolean onUnavailable(Connection conn, String channelId, String errorCode) {
        SubscriptionTable.Answer answer;
        synchronized (lock) {
            if (conn.dead || supervisor.current() != conn) {
                return false;
            }
            answer = subscriptions.onUnavailable(channelId, errorCode);
        }
        if (answer.subscribe() != null) {
            LeapSubscriptionException error = new LeapSubscriptionException(channelId, errorCode);
            CompletableFuture<Channel> f = answer.subscribe().future;
            supervisor.delivery(() -> f.completeExceptionally(error));
        }
        if (answer.unsubscribe() != null) {
            supervisor.completeAsync(answer.unsubscribe().future, null);
        }
        return answer.dispatch();
    }

    /** The periodic retry of wanted channels that are not held (refused, unanswered or revoked). */
    void retry(Connection conn) {
        synchronized (lock) {
            if (conn.dead || supervisor.current() != conn || !conn.initReceived) {
                return;
            }
            for (String channel : subscriptions.retry(conn)) {
                log.atDebug()
                        .addKeyValue("client", clientId)
                        .addKeyValue("channel", channel)
                        .log("Asking again for wanted channel {} (client {})", channel, clientId);
                conn.send(frames.dispatch(channel, Protocol.SUBSCRIBE, null));
            }
        }
    }
}
