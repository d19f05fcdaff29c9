package io.leap.spring.autoconfigure.metrics;

import io.leap.spring.core.LeapApiOperation;
import io.leap.spring.core.LeapApiOutcome;
import io.leap.spring.core.LeapTemplate;
import io.leap.spring.core.LeapTemplateObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Times the Channels REST API calls made through a {@link LeapTemplate}: the {@code leap.api.requests} timer, tagged
 * with {@code operation} (a {@link LeapApiOperation#tagValue()}, e.g. {@code publish}) and {@code outcome}
 * ({@code success}, {@code client_error}, {@code server_error} or {@code error}, see {@link LeapApiOutcome}). Both
 * tags come from closed sets, so the number of time series stays bounded; channel IDs and tokens are never tags.
 * A call's time includes its retries. Timers are registered on first use.
 */
public class LeapApiMetrics implements LeapTemplateObserver {

    /** Name of the timer. */
    public static final String REQUESTS_METRIC = "leap.api.requests";

    private final MeterRegistry registry;

    private final Tags tags;

    private final ConcurrentMap<Key, Timer> timers = new ConcurrentHashMap<>();

    /**
     * Create the observer.
     * @param registry the registry to record into
     */
    public LeapApiMetrics(MeterRegistry registry) {
        this(registry, Tags.empty());
    }

    /**
     * Create the observer.
     * @param registry the registry to record into
     * @param tags extra tags added to the timer (keep them low-cardinality)
     */
    public LeapApiMetrics(MeterRegistry registry, Iterable<Tag> tags) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
    }

    @Override
    public Completion onStart(LeapApiOperation operation) {
        Timer.Sample sample = Timer.start(this.registry);
        return (failure) -> sample.stop(timer(operation, LeapApiOutcome.of(failure)));
    }

    private Timer timer(LeapApiOperation operation, LeapApiOutcome outcome) {
        return this.timers.computeIfAbsent(
                new Key(operation, outcome),
                (key) -> Timer.builder(REQUESTS_METRIC)
                        .description("Channels REST API calls made through LeapTemplate")
                        .tags(this.tags)
                        .tag("operation", operation.tagValue())
                        .tag("outcome", outcome.tagValue())
                        .register(this.registry));
    }

    private record Key(LeapApiOperation operation, LeapApiOutcome outcome) {}
}
