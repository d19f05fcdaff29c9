package io.leap.spring.autoconfigure.metrics;

import io.leap.client.ClientStats;
import io.leap.client.ConnectionState;
import io.leap.client.LeapClient;
import io.leap.client.LeapClientObserver;
import io.leap.client.LeapMessage;
import io.leap.client.ListenerOptions;
import io.leap.client.OverflowPolicy;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Micrometer meters of a {@link LeapClient}. Counters and gauges read {@link LeapClient#stats()}; the heartbeat timer is
 * fed through {@link LeapClientObserver#onHeartbeatAck(Duration)}, so this binder must be registered as (part of) the
 * client's observer to record it.
 *
 * <table>
 * <caption>Meters</caption>
 * <tr><th>Name</th><th>Type</th><th>Tags</th><th>Meaning</th></tr>
 * <tr><td>{@code leap.connection.state}</td><td>gauge</td><td>{@code state}</td><td>1 for the current state, 0 for the others</td></tr>
 * <tr><td>{@code leap.connection.up}</td><td>gauge</td><td></td><td>1 when connected, else 0</td></tr>
 * <tr><td>{@code leap.messages.received}</td><td>counter</td><td>({@code event} when opted in)</td><td>messages and direct messages received</td></tr>
 * <tr><td>{@code leap.dispatches.received}</td><td>counter</td><td></td><td>every server dispatch received (messages, channel events, INIT)</td></tr>
 * <tr><td>{@code leap.reconnects}</td><td>counter</td><td></td><td>reconnect attempts</td></tr>
 * <tr><td>{@code leap.events.errors}</td><td>counter</td><td></td><td>exceptions thrown by client listeners (e.g. {@code @EventListener}s through the ApplicationEvent bridge)</td></tr>
 * <tr><td>{@code leap.events.dropped}</td><td>counter</td><td></td><td>events dropped by a full listener buffer</td></tr>
 * <tr><td>{@code leap.decode.errors}</td><td>counter</td><td></td><td>frames that could not be decoded</td></tr>
 * <tr><td>{@code leap.events.buffered}</td><td>gauge</td><td></td><td>events waiting in listener buffers</td></tr>
 * <tr><td>{@code leap.heartbeat.rtt}</td><td>timer</td><td></td><td>heartbeat round trip time</td></tr>
 * </table>
 * Every meter also carries the tags given to the constructor (the auto-configuration adds {@code project}).
 * {@code @LeapListener} methods have their own {@code leap.listener.*} meters, tagged {@code listener}
 * ({@link io.leap.spring.autoconfigure.metrics.LeapListenerMetrics}); no name is shared, as Prometheus needs one set of tag keys per
 * name.
 */
public class LeapMetrics implements MeterBinder, LeapClientObserver {

    private final Supplier<LeapClient> client;

    private final Tags tags;

    private final boolean eventNameTag;

    private volatile Timer heartbeatTimer;

    /**
     * Create a binder.
     * @param client supplies the client; called lazily, when a meter is read or bound, never in the constructor
     * @param tags tags added to every meter
     * @param eventNameTag whether {@code leap.messages.received} is tagged with the user event name (only for a small,
     * bounded set of event names)
     */
    public LeapMetrics(Supplier<LeapClient> client, Iterable<Tag> tags, boolean eventNameTag) {
        this.client = Objects.requireNonNull(client, "client");
        this.tags = Tags.of(tags);
        this.eventNameTag = eventNameTag;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (ConnectionState state : ConnectionState.values()) {
            Gauge.builder("leap.connection.state", this, (m) -> (m.state() == state) ? 1 : 0)
                    .description("Leap connection state: 1 for the current state, 0 for the others")
                    .tags(this.tags)
                    .tag("state", state.name().toLowerCase(Locale.ROOT))
                    .register(registry);
        }
        Gauge.builder("leap.connection.up", this, (m) -> (m.state() == ConnectionState.CONNECTED) ? 1 : 0)
                .description("Whether the Leap client is connected (1) or not (0)")
                .tags(this.tags)
                .register(registry);
        if (this.eventNameTag) {
            LeapClient leapClient = this.client.get();
            leapClient.addMessageListener(
                    (message) -> countMessage(registry, message),
                    ListenerOptions.defaults().withName("leap-metrics").withOverflowPolicy(OverflowPolicy.DROP_OLDEST));
        } else {
            counter(
                    registry,
                    "leap.messages.received",
                    "Leap messages and direct messages received",
                    ClientStats::messages);
        }
        counter(registry, "leap.dispatches.received", "Leap server dispatches received", ClientStats::dispatches);
        counter(registry, "leap.reconnects", "Leap reconnect attempts", ClientStats::reconnects);
        counter(
                registry,
                "leap.events.errors",
                "Exceptions thrown by Leap client listeners",
                ClientStats::listenerErrors);
        counter(
                registry,
                "leap.events.dropped",
                "Leap events dropped because a listener buffer was full",
                ClientStats::dropped);
        counter(registry, "leap.decode.errors", "Leap frames that could not be decoded", ClientStats::decodeErrors);
        Gauge.builder("leap.events.buffered", this, (m) -> m.stats().buffered())
                .description("Leap events waiting in listener buffers")
                .tags(this.tags)
                .register(registry);
        this.heartbeatTimer = Timer.builder("leap.heartbeat.rtt")
                .description("Leap heartbeat round trip time")
                .tags(this.tags)
                .register(registry);
    }

    @Override
    public void onHeartbeatAck(Duration rtt) {
        Timer timer = this.heartbeatTimer;
        if (timer != null) {
            timer.record(rtt);
        }
    }

    private void countMessage(MeterRegistry registry, LeapMessage message) {
        Counter.builder("leap.messages.received")
                .description("Leap messages and direct messages received")
                .tags(this.tags)
                .tag("event", (message.event() != null) ? message.event() : "")
                .register(registry)
                .increment();
    }

    private void counter(MeterRegistry registry, String name, String description, ToDoubleFunction<ClientStats> value) {
        FunctionCounter.builder(name, this, (m) -> value.applyAsDouble(m.stats()))
                .description(description)
                .tags(this.tags)
                .register(registry);
    }

    private ConnectionState state() {
        return this.client.get().state();
    }

    private ClientStats stats() {
        return this.client.get().stats();
    }
}
