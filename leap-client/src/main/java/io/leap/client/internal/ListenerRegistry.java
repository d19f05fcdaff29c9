package io.leap.client.internal;

import io.leap.client.ChannelEvent;
import io.leap.client.ChannelEventListener;
import io.leap.client.ConnectionStateChange;
import io.leap.client.ConnectionStateListener;
import io.leap.client.DeliveryMode;
import io.leap.client.LeapMessage;
import io.leap.client.ListenerOptions;
import io.leap.client.ListenerRegistration;
import io.leap.client.MessageListener;
import io.leap.client.OverflowPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The registered listeners and {@link Flow} subscribers, each behind its own {@link DeliverySink}, and the fan-out of
 * one item to all of them. Thread-safe.
 */
final class ListenerRegistry {

    private final ClientMetrics metrics;
    private final Executor delivery;
    private final long idleParkNanos;
    private final int defaultBufferSize;
    private final OverflowPolicy defaultPolicy;
    private final DeliverySink.Hooks hooks = new Hooks();
    private volatile boolean closed;

    final CopyOnWriteArrayList<DeliverySink<LeapMessage>> messageSinks = new CopyOnWriteArrayList<>();
    final CopyOnWriteArrayList<DeliverySink<ChannelEvent>> eventSinks = new CopyOnWriteArrayList<>();
    final CopyOnWriteArrayList<DeliverySink<ConnectionStateChange>> stateSinks = new CopyOnWriteArrayList<>();

    /**
     * @param idleParkNanos how long a sink's drain task keeps its (dedicated) delivery thread while idle; 0 on a
     *                      user's executor
     */
    ListenerRegistry(
            ClientMetrics metrics,
            Executor delivery,
            long idleParkNanos,
            int defaultBufferSize,
            OverflowPolicy defaultPolicy) {
        this.metrics = metrics;
        this.delivery = delivery;
        this.idleParkNanos = idleParkNanos;
        this.defaultBufferSize = defaultBufferSize;
        this.defaultPolicy = defaultPolicy;
    }

    ListenerRegistration addMessageListener(MessageListener listener, ListenerOptions options) {
        Objects.requireNonNull(listener, "listener");
        return register(
                messageSinks, newSink(name(options, listener), options, listener::onMessage, messageFilter(options)));
    }

    ListenerRegistration addChannelEventListener(ChannelEventListener listener, ListenerOptions options) {
        Objects.requireNonNull(listener, "listener");
        return register(eventSinks, newSink(name(options, listener), options, listener::onEvent, eventFilter(options)));
    }

    ListenerRegistration addConnectionStateListener(ConnectionStateListener listener) {
        Objects.requireNonNull(listener, "listener");
        DeliverySink<ConnectionStateChange> sink = new DeliverySink<>(
                listener.getClass().getName(),
                Integer.MAX_VALUE,
                OverflowPolicy.BLOCK,
                delivery,
                idleParkNanos,
                listener::onStateChange,
                hooks,
                true);
        return register(stateSinks, sink);
    }

    Flow.Publisher<LeapMessage> messages(ListenerOptions options) {
        Predicate<LeapMessage> filter = messageFilter(options);
        return subscriber -> subscribeFlow(messageSinks, options, filter, subscriber);
    }

    Flow.Publisher<ChannelEvent> channelEvents(ListenerOptions options) {
        Predicate<ChannelEvent> filter = eventFilter(options);
        return subscriber -> subscribeFlow(eventSinks, options, filter, subscriber);
    }

    /** @return whether no message listener is registered (the message need not be built) */
    boolean noMessageListeners() {
        return messageSinks.isEmpty();
    }

    /** Enqueues a state change to every state listener (caller holds the client's lock, so changes stay ordered). */
    void publishState(ConnectionStateChange change) {
        for (DeliverySink<ConnectionStateChange> sink : stateSinks) {
            sink.offer(change);
        }
    }

    /**
     * Offers an item to every sink of a list.
     *
     * @return {@code null}, or a future completing once every {@code BLOCK} sink that was full has room again
     */
    static <T> CompletableFuture<Void> offerAll(List<DeliverySink<T>> sinks, T item) {
        CompletableFuture<Void> wait = null;
        List<CompletableFuture<Void>> more = null;
        for (DeliverySink<T> sink : sinks) {
            CompletableFuture<Void> f = sink.offer(item);
            if (f != null) {
                if (wait == null) {
                    wait = f;
                } else {
                    if (more == null) {
                        more = new ArrayList<>();
                        more.add(wait);
                    }
                    more.add(f);
                }
            }
        }
        if (more != null) {
            return CompletableFuture.allOf(more.toArray(new CompletableFuture[0]));
        }
        return wait;
    }

    /** @return how many items wait in message and event listener buffers */
    long buffered() {
        long buffered = 0;
        for (DeliverySink<?> s : messageSinks) {
            buffered += s.bufferedCount();
        }
        for (DeliverySink<?> s : eventSinks) {
            buffered += s.bufferedCount();
        }
        return buffered;
    }

    /** Completes every stream (buffered messages and events are discarded, state changes still delivered). */
    void closeAll() {
        closed = true;
        for (DeliverySink<LeapMessage> s : messageSinks) {
            s.complete(true);
        }
        for (DeliverySink<ChannelEvent> s : eventSinks) {
            s.complete(true);
        }
        for (DeliverySink<ConnectionStateChange> s : stateSinks) {
            s.complete(false);
        }
    }

    private <T> ListenerRegistration register(CopyOnWriteArrayList<DeliverySink<T>> list, DeliverySink<T> sink) {
        list.add(sink);
        if (closed) {
            list.remove(sink);
            sink.complete(true);
        }
        return sink;
    }

    private static String name(ListenerOptions options, Object listener) {
        return options != null && options.name() != null
                ? options.name()
                : listener.getClass().getName();
    }

    private static Predicate<LeapMessage> messageFilter(ListenerOptions o) {
        if (o == null || (o.channels() == null && o.events() == null)) {
            return null;
        }
        return m -> o.accepts(m.channelId(), m.event());
    }

    private static Predicate<ChannelEvent> eventFilter(ListenerOptions o) {
        if (o == null || (o.channels() == null && o.events() == null)) {
            return null;
        }
        return e -> o.accepts(e.channelId(), e.eventName());
    }

    private <T> DeliverySink<T> newSink(
            String name, ListenerOptions options, Consumer<T> consumer, Predicate<? super T> filter) {
        ListenerOptions o = options == null ? ListenerOptions.defaults() : options;
        int size = o.bufferSize() > 0 ? o.bufferSize() : defaultBufferSize;
        OverflowPolicy policy = o.overflowPolicy() != null ? o.overflowPolicy() : defaultPolicy;
        return new DeliverySink<>(
                name,
                size,
                policy,
                delivery,
                idleParkNanos,
                consumer,
                hooks,
                true,
                filter,
                o.deliveryMode() == DeliveryMode.INLINE);
    }

    private <T> void subscribeFlow(
            CopyOnWriteArrayList<DeliverySink<T>> list,
            ListenerOptions options,
            Predicate<? super T> filter,
            Flow.Subscriber<? super T> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        ListenerOptions o = options == null ? ListenerOptions.defaults() : options;
        int size = o.bufferSize() > 0 ? o.bufferSize() : defaultBufferSize;
        OverflowPolicy policy = o.overflowPolicy() != null ? o.overflowPolicy() : defaultPolicy;
        FlowSink<T> sink =
                new FlowSink<>(name(o, subscriber), size, policy, delivery, idleParkNanos, subscriber, hooks, filter);
        try {
            subscriber.onSubscribe(sink);
        } catch (Throwable e) {
            hooks.onConsumerError(sink, e);
            sink.cancel();
            return;
        }
        register(list, sink);
    }

    /** A {@link DeliverySink} that is also a {@link Flow.Subscription}. */
    private static final class FlowSink<T> extends DeliverySink<T> implements Flow.Subscription {
        private final Flow.Subscriber<? super T> subscriber;

        FlowSink(
                String name,
                int capacity,
                OverflowPolicy policy,
                Executor executor,
                long idleParkNanos,
                Flow.Subscriber<? super T> subscriber,
                Hooks hooks,
                Predicate<? super T> filter) {
            super(name, capacity, policy, executor, idleParkNanos, subscriber::onNext, hooks, false, filter, false);
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                cancel();
                subscriber.onError(
                        new IllegalArgumentException("request(n) needs n > 0 (Reactive Streams §3.9), was " + n));
                return;
            }
            super.request(n);
        }

        @Override
        void onComplete() {
            subscriber.onComplete();
        }
    }

    private final class Hooks implements DeliverySink.Hooks {
        @Override
        public void onConsumerError(DeliverySink<?> sink, Throwable error) {
            metrics.onListenerError(sink.name, error);
        }

        @Override
        public void onDropped(DeliverySink<?> sink, long count) {
            metrics.onDropped(sink.name, count);
        }

        @Override
        public void onCancelled(DeliverySink<?> sink) {
            messageSinks.remove(sink);
            eventSinks.remove(sink);
            stateSinks.remove(sink);
        }
    }
}
