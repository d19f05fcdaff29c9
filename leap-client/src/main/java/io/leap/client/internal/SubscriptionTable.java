package io.leap.client.internal;

import io.leap.client.Channel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one source of truth for channels: which are wanted (to be re-established after reconnects), which are held
 * (confirmed by the server), which have a subscribe or unsubscribe request in flight, and which SUBSCRIBE frames sent
 * on the current connection still await their answer. Pure bookkeeping: it decides what to send and which futures to
 * complete, the client sends and completes. Not thread-safe: called under the client's lock, except {@link #held()}.
 *
 * <p>With a token ({@code persistent}), the server keeps a token's subscriptions across connections and lists them in
 * {@code INIT}: after INIT the table subscribes what is wanted but not listed and unsubscribes what was given up while
 * disconnected. Anonymous subscriptions die with the connection: after Hello everything wanted is asked for again.
 */
final class SubscriptionTable {

    /** A SUBSCRIBE in flight. */
    static final class PendingSubscribe {
        final String channelId;
        final CompletableFuture<Channel> future = new CompletableFuture<>();
        Scheduler.Timer timer = Scheduler.NONE;
        /** The connection the SUBSCRIBE was sent on, or {@code null} if not sent yet. */
        Object sentOn;

        PendingSubscribe(String channelId) {
            this.channelId = channelId;
        }

        void cancelTimer() {
            timer.cancel();
        }
    }

    /** An UNSUBSCRIBE in flight. */
    static final class PendingUnsubscribe {
        final String channelId;
        final CompletableFuture<Void> future = new CompletableFuture<>();
        Scheduler.Timer timer = Scheduler.NONE;

        PendingUnsubscribe(String channelId) {
            this.channelId = channelId;
        }

        void cancelTimer() {
            timer.cancel();
        }
    }

    /**
     * What INIT asks for.
     *
     * @param subscribe   channels to SUBSCRIBE now
     * @param unsubscribe channels to UNSUBSCRIBE now (given up while disconnected, still listed by the server)
     * @param complete    pending requests the INIT already answers, with their channel
     */
    record InitPlan(
            List<String> subscribe, List<String> unsubscribe, List<Map.Entry<PendingSubscribe, Channel>> complete) {}

    /**
     * The outcome of an AVAILABLE or UNAVAILABLE.
     *
     * @param subscribe   the subscribe request it answers, or {@code null}
     * @param unsubscribe the unsubscribe request it answers, or {@code null}
     * @param dispatch    whether listeners get the event (it is not an answer to a request of this client)
     */
    record Answer(PendingSubscribe subscribe, PendingUnsubscribe unsubscribe, boolean dispatch) {}

    private final boolean persistent;
    private final boolean retryRefused;
    /** Channels refused (or taken away) with their error code, until subscribed again or given up. */
    private final Map<String, String> refused = new HashMap<>();
    /** Channels with a periodic retry SUBSCRIBE in flight (their refusal is not dispatched again). */
    private final Set<String> retrying = new HashSet<>();

    private final Set<String> wanted = new LinkedHashSet<>();
    private final Set<String> toUnsubscribe = new HashSet<>();
    private final Map<String, PendingSubscribe> pendingSubscribes = new HashMap<>();
    private final Map<String, PendingUnsubscribe> pendingUnsubscribes = new HashMap<>();
    /** SUBSCRIBEs sent on the current connection without an answer yet. */
    private final Set<String> awaiting = new HashSet<>();

    private final Set<String> held = ConcurrentHashMap.newKeySet();

    /** @param persistent whether the server keeps subscriptions across connections (a token is used) */
    SubscriptionTable(boolean persistent) {
        this(persistent, false);
    }

    /**
     * @param persistent   whether the server keeps subscriptions across connections (a token is used)
     * @param retryRefused whether refused, unanswered and revoked channels stay wanted (and are retried)
     */
    SubscriptionTable(boolean persistent, boolean retryRefused) {
        this.persistent = persistent;
        this.retryRefused = retryRefused;
    }

    /**
     * @return the channel's status, or {@code null} if it is neither wanted nor refused
     */
    io.leap.client.ChannelStatus status(String channelId) {
        if (held.contains(channelId)) {
            return new io.leap.client.ChannelStatus(channelId, io.leap.client.ChannelStatus.State.SUBSCRIBED, null);
        }
        String code = refused.get(channelId);
        if (code != null) {
            return new io.leap.client.ChannelStatus(channelId, io.leap.client.ChannelStatus.State.REFUSED, code);
        }
        if (wanted.contains(channelId)) {
            return new io.leap.client.ChannelStatus(channelId, io.leap.client.ChannelStatus.State.PENDING, null);
        }
        return null;
    }

    /** @return the status of every wanted, held or refused channel */
    Map<String, io.leap.client.ChannelStatus> statuses() {
        Map<String, io.leap.client.ChannelStatus> all = new java.util.LinkedHashMap<>();
        Set<String> ids = new LinkedHashSet<>(wanted);
        ids.addAll(held);
        ids.addAll(refused.keySet());
        for (String id : ids) {
            all.put(id, status(id));
        }
        return all;
    }

    /**
     * The periodic retry: wanted channels that are not held and have nothing in flight are asked for again on
     * {@code conn}.
     *
     * @return the channels to SUBSCRIBE now (already marked as sent)
     */
    List<String> retry(Object conn) {
        List<String> again = new ArrayList<>();
        for (String channel : wanted) {
            if (!held.contains(channel) && !awaiting.contains(channel) && !pendingSubscribes.containsKey(channel)) {
                markSent(channel, conn);
                retrying.add(channel);
                again.add(channel);
            }
        }
        return again;
    }

    /** Refused: remembered with its code; unwanted unless refused channels are retried. */
    private void refuse(String channelId, String errorCode) {
        refused.put(channelId, errorCode == null ? "UNAVAILABLE" : errorCode);
        if (!retryRefused) {
            wanted.remove(channelId);
        }
    }

    /** @return the channels held now (thread-safe view) */
    Set<String> held() {
        return held;
    }

    /** @return a copy of the wanted channels, in the order they were first asked for */
    Set<String> wanted() {
        return Set.copyOf(wanted);
    }

    /** @return whether the channel is wanted */
    boolean isWanted(String channelId) {
        return wanted.contains(channelId);
    }

    /** @return whether a SUBSCRIBE for the channel was sent on the current connection and is unanswered */
    boolean isAwaiting(String channelId) {
        return awaiting.contains(channelId);
    }

    /** @return the subscribe request in flight for the channel, or {@code null} */
    PendingSubscribe pendingSubscribe(String channelId) {
        return pendingSubscribes.get(channelId);
    }

    /** @return the unsubscribe request in flight for the channel, or {@code null} */
    PendingUnsubscribe pendingUnsubscribe(String channelId) {
        return pendingUnsubscribes.get(channelId);
    }

    /**
     * Records a new subscribe request and makes the channel wanted.
     *
     * @param sendOn the connection it is sent on now, or {@code null} if it waits for the next connection
     */
    PendingSubscribe addSubscribe(String channelId, Object sendOn) {
        PendingSubscribe p = new PendingSubscribe(channelId);
        pendingSubscribes.put(channelId, p);
        wanted.add(channelId);
        refused.remove(channelId);
        toUnsubscribe.remove(channelId);
        if (sendOn != null) {
            markSent(channelId, sendOn);
        }
        return p;
    }

    /** A SUBSCRIBE for the channel goes out on {@code conn} now. */
    void markSent(String channelId, Object conn) {
        PendingSubscribe p = pendingSubscribes.get(channelId);
        if (p != null) {
            p.sentOn = conn;
        }
        awaiting.add(channelId);
    }

    /** @return whether {@code p} was still pending (it is now dropped, and the channel unwanted unless held) */
    boolean subscribeTimedOut(PendingSubscribe p) {
        if (pendingSubscribes.get(p.channelId) != p) {
            return false;
        }
        pendingSubscribes.remove(p.channelId);
        if (!held.contains(p.channelId) && !retryRefused) {
            wanted.remove(p.channelId);
        }
        return true;
    }

    /**
     * The user gave the channel up: it is no longer wanted.
     *
     * @return the subscribe request this cancels, or {@code null}
     */
    PendingSubscribe giveUp(String channelId) {
        wanted.remove(channelId);
        refused.remove(channelId);
        retrying.remove(channelId);
        PendingSubscribe p = pendingSubscribes.remove(channelId);
        if (p != null) {
            p.cancelTimer();
        }
        return p;
    }

    /** Not connected: unsubscribe after the next INIT if the server keeps the subscription. */
    void unsubscribeLater(String channelId) {
        if (persistent) {
            toUnsubscribe.add(channelId);
        }
    }

    /** @return whether an unsubscribe while disconnected is remembered (the server keeps subscriptions) */
    boolean persistent() {
        return persistent;
    }

    /** Records an UNSUBSCRIBE sent now. */
    PendingUnsubscribe addUnsubscribe(String channelId) {
        PendingUnsubscribe u = new PendingUnsubscribe(channelId);
        pendingUnsubscribes.put(channelId, u);
        return u;
    }

    /** @return whether {@code u} was still pending (it is now dropped) */
    boolean unsubscribeTimedOut(PendingUnsubscribe u) {
        if (pendingUnsubscribes.get(u.channelId) != u) {
            return false;
        }
        pendingUnsubscribes.remove(u.channelId);
        return true;
    }

    /**
     * The connection {@code conn} was lost.
     *
     * @return the futures of requests it takes down (to fail)
     */
    List<CompletableFuture<?>> onLost(Object conn, boolean initReceived) {
        List<CompletableFuture<?>> toFail = new ArrayList<>();
        held.clear();
        awaiting.clear();
        retrying.clear();
        for (var it = pendingSubscribes.values().iterator(); it.hasNext(); ) {
            PendingSubscribe p = it.next();
            if (p.sentOn == conn) {
                it.remove();
                p.cancelTimer();
                if ((!initReceived || !persistent) && !retryRefused) {
                    wanted.remove(p.channelId);
                }
                toFail.add(p.future);
            }
        }
        for (PendingUnsubscribe u : pendingUnsubscribes.values()) {
            u.cancelTimer();
            unsubscribeLater(u.channelId);
            toFail.add(u.future);
        }
        pendingUnsubscribes.clear();
        return toFail;
    }

    /**
     * Hello on {@code conn}: anonymous subscriptions are asked for again (they died with the previous connection).
     *
     * @return the channels to SUBSCRIBE now (already marked as sent)
     */
    List<String> onHello(Object conn) {
        List<String> resubscribe = new ArrayList<>();
        if (!persistent) {
            for (String channel : wanted) {
                markSent(channel, conn);
                resubscribe.add(channel);
            }
        }
        return resubscribe;
    }

    /**
     * INIT on {@code conn} lists the channels the server holds for this session: reconcile.
     *
     * @return what to send and complete
     */
    InitPlan onInit(Object conn, List<Channel> listed) {
        List<String> subscribe = new ArrayList<>();
        List<String> unsubscribe = new ArrayList<>();
        List<Map.Entry<PendingSubscribe, Channel>> complete = new ArrayList<>();
        held.clear();
        if (persistent) {
            Map<String, Channel> byId = new HashMap<>();
            for (Channel ch : listed) {
                byId.put(ch.id(), ch);
                held.add(ch.id());
            }
            for (String channel : wanted) {
                PendingSubscribe p = pendingSubscribes.get(channel);
                Channel have = byId.get(channel);
                if (have != null) {
                    if (p != null && p.sentOn != conn) {
                        pendingSubscribes.remove(channel);
                        p.cancelTimer();
                        complete.add(Map.entry(p, have));
                    }
                } else if (p == null || p.sentOn != conn) {
                    markSent(channel, conn);
                    subscribe.add(channel);
                }
            }
            for (String channel : toUnsubscribe) {
                if (byId.containsKey(channel)) {
                    unsubscribe.add(channel);
                }
            }
            toUnsubscribe.clear();
        }
        return new InitPlan(subscribe, unsubscribe, complete);
    }

    /** AVAILABLE for the channel on the current connection. */
    Answer onAvailable(String channelId) {
        held.add(channelId);
        refused.remove(channelId);
        retrying.remove(channelId);
        boolean answer = awaiting.remove(channelId);
        PendingSubscribe p = pendingSubscribes.remove(channelId);
        if (p != null) {
            p.cancelTimer();
            wanted.add(channelId);
        }
        return new Answer(p, null, !answer && p == null);
    }

    /** UNAVAILABLE for the channel on the current connection. */
    Answer onUnavailable(String channelId, String errorCode) {
        held.remove(channelId);
        boolean answer = awaiting.remove(channelId);
        boolean retried = retrying.remove(channelId);
        PendingUnsubscribe u = pendingUnsubscribes.remove(channelId);
        PendingSubscribe p = answer ? pendingSubscribes.remove(channelId) : null;
        if (p != null) {
            p.cancelTimer();
            if (u != null) {
                u.cancelTimer();
            }
            refuse(channelId, errorCode);
            return new Answer(p, u, false);
        }
        if (u != null) {
            u.cancelTimer();
            return new Answer(null, u, false);
        }
        if (!wanted.contains(channelId) && !retryRefused) {
            return new Answer(null, null, true);
        }
        refuse(channelId, errorCode);
        return new Answer(null, null, !retried);
    }

    /**
     * The client closes.
     *
     * @return every request's future (to fail)
     */
    List<CompletableFuture<?>> closeAll() {
        List<CompletableFuture<?>> toFail = new ArrayList<>();
        for (PendingSubscribe p : pendingSubscribes.values()) {
            p.cancelTimer();
            toFail.add(p.future);
        }
        pendingSubscribes.clear();
        for (PendingUnsubscribe u : pendingUnsubscribes.values()) {
            u.cancelTimer();
            toFail.add(u.future);
        }
        pendingUnsubscribes.clear();
        held.clear();
        awaiting.clear();
        retrying.clear();
        return toFail;
    }
}
