package io.leap.spring.config;

import io.leap.client.LeapClient;
import io.leap.client.OverflowPolicy;
import io.leap.spring.annotation.LeapListener;
import io.leap.spring.annotation.LeapListenerConfigurer;
import io.leap.spring.listener.LeapListenerErrorHandler;
import io.leap.spring.listener.LoggingLeapListenerErrorHandler;
import io.leap.spring.observation.LeapListenerObservationConvention;
import io.leap.spring.support.LeapHandlerMethodFactories;
import io.leap.spring.support.LeapMessageMethodArgumentResolver;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import org.springframework.messaging.handler.annotation.support.MessageHandlerMethodFactory;

/**
 * Settings of the {@link LeapListener} infrastructure, adjusted by {@link LeapListenerConfigurer} beans. Unset values
 * are filled from the application context: the unique {@link LeapClient}, the
 * {@link LeapListenerConfigUtils#LEAP_HANDLER_METHOD_FACTORY_BEAN_NAME} bean (or a default over the {@code JsonMapper}),
 * and the {@link LeapListenerErrorHandler} bean (or {@link LoggingLeapListenerErrorHandler}). Listener methods run on
 * the client's delivery executor ({@link LeapClient.Builder#deliveryExecutor(Executor)}; with the auto-configuration
 * the {@code leapTaskExecutor} bean).
 */
public class LeapListenerEndpointRegistrar {

    /** Default lifecycle phase of the registry: delivery stops before the web server and the client stop. */
    public static final int DEFAULT_PHASE = SmartLifecycle.DEFAULT_PHASE - 100;

    private @Nullable LeapClient client;

    private @Nullable MessageHandlerMethodFactory messageHandlerMethodFactory;

    private @Nullable LeapListenerErrorHandler errorHandler;

    private @Nullable Executor taskExecutor;

    private int defaultBufferSize = 1024;

    private OverflowPolicy defaultOverflowPolicy = OverflowPolicy.BLOCK;

    private boolean autoStartup = true;

    private Duration shutdownTimeout = Duration.ofSeconds(10);

    private Duration resubscribeInterval = Duration.ofSeconds(10);

    private int phase = DEFAULT_PHASE;

    private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

    private @Nullable LeapListenerObservationConvention observationConvention;

    /** @return the client whose messages are delivered, or {@code null} for the context's unique one */
    public @Nullable LeapClient getClient() {
        return this.client;
    }

    /** @param client the client whose messages are delivered and whose channels are subscribed */
    public void setClient(@Nullable LeapClient client) {
        this.client = client;
    }

    /** @return the factory of invocable listener methods, or {@code null} for the default */
    public @Nullable MessageHandlerMethodFactory getMessageHandlerMethodFactory() {
        return this.messageHandlerMethodFactory;
    }

    /**
     * @param factory the factory of invocable listener methods; a custom one should include a
     * {@link LeapMessageMethodArgumentResolver} (see {@link LeapHandlerMethodFactories})
     */
    public void setMessageHandlerMethodFactory(@Nullable MessageHandlerMethodFactory factory) {
        this.messageHandlerMethodFactory = factory;
    }

    /** @return the default error handler, or {@code null} for the context's */
    public @Nullable LeapListenerErrorHandler getErrorHandler() {
        return this.errorHandler;
    }

    /** @param errorHandler the error handler of listeners that do not name one */
    public void setErrorHandler(@Nullable LeapListenerErrorHandler errorHandler) {
        this.errorHandler = errorHandler;
    }

    /**
     * @return the executor set with {@link #setTaskExecutor(Executor)}, which is not used
     * @deprecated listener methods run on the client's delivery executor
     */
    @Deprecated(forRemoval = true)
    public @Nullable Executor getTaskExecutor() {
        return this.taskExecutor;
    }

    /**
     * Not used any more (a warning is logged when set): each listener is one client listener registration, delivered
     * on the client's delivery executor, so there is exactly one buffer and one hand-off per message. Replace the
     * {@code leapTaskExecutor} bean, or give the client builder a {@link LeapClient.Builder#deliveryExecutor(Executor)}.
     * @param taskExecutor ignored
     * @deprecated set the client's delivery executor instead
     */
    @Deprecated(forRemoval = true)
    public void setTaskExecutor(@Nullable Executor taskExecutor) {
        this.taskExecutor = taskExecutor;
    }

    /** @return the buffer size of listeners that do not set one */
    public int getDefaultBufferSize() {
        return this.defaultBufferSize;
    }

    /** @param defaultBufferSize the buffer size of listeners that do not set one (at least 1) */
    public void setDefaultBufferSize(int defaultBufferSize) {
        if (defaultBufferSize < 1) {
            throw new IllegalArgumentException("defaultBufferSize must be at least 1");
        }
        this.defaultBufferSize = defaultBufferSize;
    }

    /** @return the overflow policy of listeners that do not set one */
    public OverflowPolicy getDefaultOverflowPolicy() {
        return this.defaultOverflowPolicy;
    }

    /** @param defaultOverflowPolicy the overflow policy of listeners that do not set one */
    public void setDefaultOverflowPolicy(OverflowPolicy defaultOverflowPolicy) {
        this.defaultOverflowPolicy = Objects.requireNonNull(defaultOverflowPolicy, "defaultOverflowPolicy");
    }

    /** @return whether listeners without {@code autoStartup} start with the context */
    public boolean isAutoStartup() {
        return this.autoStartup;
    }

    /** @param autoStartup whether listeners without {@code autoStartup} start with the context */
    public void setAutoStartup(boolean autoStartup) {
        this.autoStartup = autoStartup;
    }

    /** @return how long stopping the registry waits for buffered messages to be delivered */
    public Duration getShutdownTimeout() {
        return this.shutdownTimeout;
    }

    /** @param shutdownTimeout how long stopping the registry waits for buffered messages to be delivered */
    public void setShutdownTimeout(Duration shutdownTimeout) {
        this.shutdownTimeout = Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
    }

    /**
     * @return the value set with {@link #setResubscribeInterval(Duration)}, which is not used
     * @deprecated the client retries refused channels ({@link LeapClient.Builder#subscriptionRetryInterval(Duration)})
     */
    @Deprecated(forRemoval = true)
    public Duration getResubscribeInterval() {
        return this.resubscribeInterval;
    }

    /**
     * Not used any more: the client remembers the listeners' channels and asks again for refused ones on its own
     * {@link LeapClient.Builder#subscriptionRetryInterval(Duration) subscription retry interval}
     * ({@code leap.subscription-retry-interval} with the auto-configuration).
     * @param resubscribeInterval ignored (must be positive)
     * @deprecated configure the client's subscription retry interval
     */
    @Deprecated(forRemoval = true)
    public void setResubscribeInterval(Duration resubscribeInterval) {
        if (resubscribeInterval.isNegative() || resubscribeInterval.isZero()) {
            throw new IllegalArgumentException("resubscribeInterval must be positive");
        }
        this.resubscribeInterval = resubscribeInterval;
    }

    /** @return the registry's lifecycle phase */
    public int getPhase() {
        return this.phase;
    }

    /** @param phase the registry's lifecycle phase */
    public void setPhase(int phase) {
        this.phase = phase;
    }

    /**
     * @return the registry of the {@code leap.listener} observations; {@link ObservationRegistry#NOOP} (none) by
     * default
     */
    public ObservationRegistry getObservationRegistry() {
        return this.observationRegistry;
    }

    /**
     * @param observationRegistry the registry to record a {@code leap.listener} observation of every listener
     * invocation with ({@link io.leap.spring.observation.LeapListenerObservation})
     */
    public void setObservationRegistry(ObservationRegistry observationRegistry) {
        this.observationRegistry = Objects.requireNonNull(observationRegistry, "observationRegistry");
    }

    /** @return the convention of the {@code leap.listener} observations, or {@code null} for the default */
    public @Nullable LeapListenerObservationConvention getObservationConvention() {
        return this.observationConvention;
    }

    /**
     * @param observationConvention the convention of the {@code leap.listener} observations, or {@code null} for
     * {@link io.leap.spring.observation.DefaultLeapListenerObservationConvention}
     */
    public void setObservationConvention(@Nullable LeapListenerObservationConvention observationConvention) {
        this.observationConvention = observationConvention;
    }
}
