package io.leap.spring.listener;

import io.leap.client.LeapClient;
import io.leap.client.OverflowPolicy;
import io.leap.spring.observation.LeapListenerObservationConvention;
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
 * the {@link LeapListenerErrorHandler} bean (or {@link LoggingLeapListenerErrorHandler}), and a cached pool of daemon
 * threads.
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

    /** @return where listener buffers are drained, or {@code null} for the registry's own daemon threads */
    public @Nullable Executor getTaskExecutor() {
        return this.taskExecutor;
    }

    /**
     * @param taskExecutor where listener buffers are drained; each busy listener occupies one thread at a time, so
     * give at least as many threads as listeners that may be busy at once (not shut down by the registry)
     */
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

    /** @return how often channels that could not be subscribed are tried again while connected */
    public Duration getResubscribeInterval() {
        return this.resubscribeInterval;
    }

    /** @param resubscribeInterval how often missing subscriptions are tried again while connected (positive) */
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
