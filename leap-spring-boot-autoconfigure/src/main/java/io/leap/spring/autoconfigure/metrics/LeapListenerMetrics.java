package io.leap.spring.autoconfigure.metrics;

import io.leap.spring.annotation.LeapListener;
import io.leap.spring.config.LeapListenerEndpointRegistry;
import io.leap.spring.listener.LeapListenerContainer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Micrometer meters of every {@link LeapListener}, tagged {@code listener=<id>}: counters
 * {@code leap.listener.received}, {@code leap.listener.processed}, {@code leap.listener.errors} and
 * {@code leap.listener.dropped}, and gauge {@code leap.listener.buffered}. Listeners registered after binding get
 * their meters too.
 */
public class LeapListenerMetrics implements MeterBinder {

    private final LeapListenerEndpointRegistry registry;

    /**
     * Create the binder.
     * @param registry the listener registry
     */
    public LeapListenerMetrics(LeapListenerEndpointRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public void bindTo(MeterRegistry meterRegistry) {
        this.registry.forEachContainer((container) -> bind(container, meterRegistry));
    }

    private static void bind(LeapListenerContainer container, MeterRegistry meterRegistry) {
        counter(
                meterRegistry,
                container,
                "leap.listener.received",
                "Messages that matched the listener",
                (c) -> c.getStats().received());
        counter(
                meterRegistry,
                container,
                "leap.listener.processed",
                "Messages the listener method handled normally",
                (c) -> c.getStats().processed());
        counter(
                meterRegistry,
                container,
                "leap.listener.errors",
                "Conversion, validation, listener and reply failures",
                (c) -> c.getStats().failed());
        counter(
                meterRegistry,
                container,
                "leap.listener.dropped",
                "Messages dropped because the buffer was full",
                (c) -> c.getStats().dropped());
        Gauge.builder("leap.listener.buffered", container, (c) -> c.getStats().buffered())
                .description("Messages waiting in the listener's buffer")
                .tag("listener", container.getId())
                .register(meterRegistry);
    }

    private static void counter(
            MeterRegistry meterRegistry,
            LeapListenerContainer container,
            String name,
            String description,
            ToDoubleFunction<LeapListenerContainer> value) {
        FunctionCounter.builder(name, container, value)
                .description(description)
                .tag("listener", container.getId())
                .register(meterRegistry);
    }
}
