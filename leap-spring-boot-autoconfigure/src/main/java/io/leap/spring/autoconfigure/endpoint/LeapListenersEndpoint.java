package io.leap.spring.autoconfigure.endpoint;

import io.leap.spring.annotation.LeapListener;
import io.leap.spring.config.LeapListenerEndpointRegistry;
import io.leap.spring.listener.LeapListenerContainer;
import io.leap.spring.listener.LeapListenerStats;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * Actuator endpoint {@code leaplisteners}: lists every {@link LeapListener} with its channels, events, state and
 * counters ({@code GET /actuator/leaplisteners}, {@code GET /actuator/leaplisteners/{id}}), and pauses, resumes,
 * stops or starts one ({@code POST /actuator/leaplisteners/{id}} with body {@code {"action":"pause"}}).
 */
@Endpoint(id = "leaplisteners")
public class LeapListenersEndpoint {

    private final LeapListenerEndpointRegistry registry;

    /**
     * Create the endpoint.
     * @param registry the listener registry
     */
    public LeapListenersEndpoint(LeapListenerEndpointRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * @return every listener by id, the channels the registry keeps subscribed and where each of them stands
     */
    @ReadOperation
    public ListenersDescriptor listeners() {
        Map<String, ListenerDescriptor> listeners = new LinkedHashMap<>();
        for (LeapListenerContainer container : this.registry.getListenerContainers()) {
            listeners.put(container.getId(), describe(container));
        }
        Map<String, ChannelDescriptor> statuses = new LinkedHashMap<>();
        this.registry
                .getChannelStatuses()
                .forEach((channel, status) -> statuses.put(
                        channel, new ChannelDescriptor(status.state().name(), status.errorCode())));
        return new ListenersDescriptor(this.registry.getChannels(), statuses, listeners);
    }

    /**
     * @param id the listener id
     * @return the listener, or {@code null} (404) if unknown
     */
    @ReadOperation
    public @Nullable ListenerDescriptor listener(@Selector String id) {
        LeapListenerContainer container = this.registry.getListenerContainer(id);
        return (container != null) ? describe(container) : null;
    }

    /**
     * Control one listener.
     * @param id the listener id
     * @param action {@code pause}, {@code resume}, {@code stop} or {@code start}
     * @return the listener after the action, or {@code null} (404) if unknown
     */
    @WriteOperation
    public @Nullable ListenerDescriptor control(@Selector String id, String action) {
        LeapListenerContainer container = this.registry.getListenerContainer(id);
        if (container == null) {
            return null;
        }
        switch (action.trim().toLowerCase(Locale.ROOT)) {
            case "pause" -> container.pause();
            case "resume" -> container.resume();
            case "stop" -> container.stop();
            case "start" -> container.start();
            default ->
                throw new InvalidEndpointRequestException(
                        "Unknown action '" + action + "': use pause, resume, stop or start", "Unknown action");
        }
        return describe(container);
    }

    private static ListenerDescriptor describe(LeapListenerContainer container) {
        String state = !container.isRunning() ? "stopped" : container.isPaused() ? "paused" : "running";
        return new ListenerDescriptor(
                container.getChannels(),
                container.getEvents(),
                container.isDirectMessages(),
                state,
                container.getBufferSize(),
                container.getOverflowPolicy().name(),
                container.getStats());
    }

    /**
     * All listeners.
     * @param channels channels the registry keeps subscribed
     * @param channelStatuses where each of those channels stands, by id
     * @param listeners listeners by id
     */
    public record ListenersDescriptor(
            Set<String> channels,
            Map<String, ChannelDescriptor> channelStatuses,
            Map<String, ListenerDescriptor> listeners) {}

    /**
     * Where a channel stands, as the client reports it.
     * @param state {@code PENDING} (asked for, no answer yet or not connected), {@code SUBSCRIBED} or {@code REFUSED}
     * @param errorCode the server's error code when refused, otherwise {@code null}
     */
    public record ChannelDescriptor(String state, @Nullable String errorCode) {}

    /**
     * One listener.
     * @param channels its channels
     * @param events accepted events (empty for all)
     * @param directMessages whether it receives direct messages
     * @param state {@code running}, {@code paused} or {@code stopped}
     * @param bufferSize buffer capacity
     * @param overflowPolicy what happens when the buffer is full
     * @param stats counters
     */
    public record ListenerDescriptor(
            Set<String> channels,
            Set<String> events,
            boolean directMessages,
            String state,
            int bufferSize,
            String overflowPolicy,
            LeapListenerStats stats) {}
}
