package io.leap.spring.autoconfigure;

import io.leap.client.OverflowPolicy;
import io.leap.spring.config.LeapListenerEndpointRegistrar;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.DeprecatedConfigurationProperty;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of {@code @LeapListener} methods ({@code leap.listener.*}).
 *
 * <p>The properties validate themselves when they are bound ({@link #validate(Object, Errors)}), as
 * {@link LeapProperties} do: an invalid value fails startup with Boot's report naming the property.
 */
@ConfigurationProperties("leap.listener")
@Validated
public class LeapListenerProperties implements Validator {

    /**
     * Whether @LeapListener methods are detected and registered.
     */
    private boolean enabled = true;

    /**
     * Whether listeners that do not set autoStartup start with the application context.
     */
    private boolean autoStartup = true;

    /**
     * Number of messages each listener may have waiting. When not set, leap.delivery.buffer-size applies.
     */
    @Min(1)
    private @Nullable Integer bufferSize;

    /**
     * What happens when a listener's buffer is full. When not set, leap.delivery.overflow-policy applies.
     */
    private @Nullable OverflowPolicy overflowPolicy;

    /**
     * Maximum time to wait on shutdown for the listeners to handle the messages already buffered.
     */
    private Duration shutdownTimeout = Duration.ofSeconds(10);

    /**
     * Time between attempts to subscribe channels of listeners that could not be subscribed. Replaced by
     * "leap.subscription-retry-interval", which applies to every wanted channel; when set, this value is used for it.
     */
    private @Nullable Duration resubscribeInterval;

    /**
     * SmartLifecycle phase of the listener registry. The default stops delivery before the web server and the
     * connection.
     */
    private int phase = LeapListenerEndpointRegistrar.DEFAULT_PHASE;

    /**
     * Whether to record a "leap.listener" observation of every @LeapListener invocation. Needs an ObservationRegistry
     * bean.
     */
    private boolean observationEnabled = false;

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public boolean isObservationEnabled() {
        return this.observationEnabled;
    }

    public void setObservationEnabled(boolean observationEnabled) {
        this.observationEnabled = observationEnabled;
    }

    public boolean isAutoStartup() {
        return this.autoStartup;
    }

    public void setAutoStartup(boolean autoStartup) {
        this.autoStartup = autoStartup;
    }

    public @Nullable Integer getBufferSize() {
        return this.bufferSize;
    }

    public void setBufferSize(@Nullable Integer bufferSize) {
        this.bufferSize = bufferSize;
    }

    public @Nullable OverflowPolicy getOverflowPolicy() {
        return this.overflowPolicy;
    }

    public void setOverflowPolicy(@Nullable OverflowPolicy overflowPolicy) {
        this.overflowPolicy = overflowPolicy;
    }

    public Duration getShutdownTimeout() {
        return this.shutdownTimeout;
    }

    public void setShutdownTimeout(Duration shutdownTimeout) {
        this.shutdownTimeout = shutdownTimeout;
    }

    @Deprecated(forRemoval = true)
    @DeprecatedConfigurationProperty(
            replacement = "leap.subscription-retry-interval",
            reason = "The client retries refused channels, listener channels included")
    public @Nullable Duration getResubscribeInterval() {
        return this.resubscribeInterval;
    }

    @Deprecated(forRemoval = true)
    public void setResubscribeInterval(@Nullable Duration resubscribeInterval) {
        this.resubscribeInterval = resubscribeInterval;
    }

    public int getPhase() {
        return this.phase;
    }

    public void setPhase(int phase) {
        this.phase = phase;
    }

    @Override
    public boolean supports(Class<?> type) {
        return LeapListenerProperties.class.isAssignableFrom(type);
    }

    /**
     * Check the bound values. Called by Boot when the properties are bound.
     * @param target the bound properties (this object)
     * @param errors where to report invalid values
     */
    @Override
    public void validate(Object target, Errors errors) {
        LeapListenerProperties properties = (LeapListenerProperties) target;
        PropertyChecks.atLeast(errors, "bufferSize", properties.getBufferSize(), 1);
        PropertyChecks.notNegative(errors, "shutdownTimeout", properties.getShutdownTimeout());
        @SuppressWarnings("removal")
        Duration resubscribeInterval = properties.getResubscribeInterval();
        PropertyChecks.positive(errors, "resubscribeInterval", resubscribeInterval, "10s");
    }
}
