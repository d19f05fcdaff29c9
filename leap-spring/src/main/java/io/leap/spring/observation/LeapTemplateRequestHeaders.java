package io.leap.spring.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The request headers of the current {@code leap.template} observation: what a propagating tracing handler (with
 * Micrometer Tracing and a W3C propagator: {@code traceparent}, {@code tracestate}) wrote into its
 * {@link LeapTemplateSenderContext}. Give it to {@code LeapApi.Builder#requestHeaders} so that REST calls made
 * through an observed {@code LeapTemplate} carry the trace context; the Spring Boot auto-configuration does so for
 * the {@code LeapApi} it builds when {@code leap.api.observation-enabled=true}.
 *
 * <pre>{@code
 * LeapApi api = LeapApi.builder(token).requestHeaders(new LeapTemplateRequestHeaders(observationRegistry)).build();
 * LeapTemplate template = new LeapTemplate(api);
 * template.setObservationRegistry(observationRegistry);
 * }</pre>
 *
 * <p>{@code LeapApi} asks on the thread that calls the operation, where the template's observation is current. When
 * the current observation is not a template observation (or there is none), no header is added.
 */
public final class LeapTemplateRequestHeaders implements Supplier<Map<String, String>> {

    private final ObservationRegistry registry;

    /**
     * Create the supplier.
     * @param registry the registry the template records its observations with
     */
    public LeapTemplateRequestHeaders(ObservationRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public Map<String, String> get() {
        Observation current = this.registry.getCurrentObservation();
        if (current != null && current.getContextView() instanceof LeapTemplateSenderContext context) {
            return context.getHeaders();
        }
        return Map.of();
    }
}
