package io.leap.spring.observation;

import io.leap.spring.core.LeapApiOperation;
import io.leap.spring.core.LeapApiOutcome;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Context of the {@code leap.template} observation: the operation, the channel it is about (if any), the event name
 * of a publish, and how it ended. The carrier is a map of request headers: a propagating tracing handler writes the
 * trace context into it when the observation starts, and {@link LeapTemplateRequestHeaders} hands those headers to
 * the {@code LeapApi} request. Leap token IDs are never kept here.
 */
public class LeapTemplateSenderContext extends SenderContext<Map<String, String>> {

    private final LeapApiOperation operation;

    private final @Nullable String channelId;

    private final @Nullable String event;

    private volatile @Nullable LeapApiOutcome outcome;

    /**
     * Create a context.
     * @param operation the operation
     * @param channelId the channel ID of a channel operation, or {@code null}
     * @param event the event name of a publish, or {@code null}
     * @param baseUrl the base URL of the REST API (its scheme, host and port are the remote service address)
     */
    public LeapTemplateSenderContext(
            LeapApiOperation operation, @Nullable String channelId, @Nullable String event, URI baseUrl) {
        super(LeapTemplateSenderContext::setHeader, Kind.CLIENT);
        this.operation = Objects.requireNonNull(operation, "operation");
        this.channelId = channelId;
        this.event = event;
        setCarrier(Collections.synchronizedMap(new LinkedHashMap<>()));
        setRemoteServiceName("leap");
        setRemoteServiceAddress(origin(Objects.requireNonNull(baseUrl, "baseUrl")));
    }

    /** Scheme, host and port only: whatever else a configured URL holds (user info) stays out of spans. */
    private static String origin(URI url) {
        String origin = url.getScheme() + "://" + url.getHost();
        return (url.getPort() != -1) ? origin + ":" + url.getPort() : origin;
    }

    private static void setHeader(@Nullable Map<String, String> carrier, String name, String value) {
        if (carrier != null) {
            carrier.put(name, value);
        }
    }

    /**
     * The operation.
     * @return the operation
     */
    public LeapApiOperation getOperation() {
        return this.operation;
    }

    /**
     * The channel ID of a channel operation.
     * @return the channel ID, or {@code null} for operations that are not about one channel
     */
    public @Nullable String getChannelId() {
        return this.channelId;
    }

    /**
     * The event name of a {@code publish} or {@code publish_direct}.
     * @return the event name, or {@code null}
     */
    public @Nullable String getEvent() {
        return this.event;
    }

    /**
     * How the operation ended.
     * @return the outcome, or {@code null} while it runs
     */
    public @Nullable LeapApiOutcome getOutcome() {
        return this.outcome;
    }

    /**
     * Set how the operation ended (done by the template before it stops the observation).
     * @param outcome the outcome
     */
    public void setOutcome(LeapApiOutcome outcome) {
        this.outcome = Objects.requireNonNull(outcome, "outcome");
    }

    /**
     * The headers written into the carrier so far (by propagation), to add to the request.
     * @return a copy of the headers, empty when nothing was propagated
     */
    public Map<String, String> getHeaders() {
        Map<String, String> carrier = getCarrier();
        if (carrier == null) {
            return Map.of();
        }
        synchronized (carrier) {
            return Map.copyOf(carrier);
        }
    }
}
