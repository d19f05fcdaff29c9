package io.leap.spring.listener;

import io.leap.client.LeapClient;
import io.leap.client.LeapMessage;
import io.leap.spring.internal.LifecycleSupport;
import io.leap.spring.observation.DefaultLeapListenerObservationConvention;
import io.leap.spring.observation.LeapListenerObservation;
import io.leap.spring.observation.LeapListenerObservationConvention;
import io.leap.spring.observation.LeapListenerReceiverContext;
import io.leap.spring.support.LeapHeaders;
import io.leap.spring.support.LeapListenerMessage;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.messaging.Message;
import org.springframework.messaging.handler.invocation.InvocableHandlerMethod;

/**
 * Calls one listener method with a Spring message ({@link LeapListenerMessage}) wrapping a {@link LeapMessage}, publishes its return value for
 * {@code @SendTo}, and routes failures to the error handler.
 *
 * <p>Part of the {@code @LeapListener} infrastructure (public because the annotation post-processor and the registry
 * live in other packages); not meant for application code.
 */
public final class LeapListenerInvoker {

    private static final Log logger = LogFactory.getLog(LeapListenerInvoker.class);

    private final String listenerId;

    private final InvocableHandlerMethod handlerMethod;

    private final LeapListenerErrorHandler errorHandler;

    private final List<String> replyChannels;

    private final @Nullable String replyEvent;

    private final Supplier<LeapClient> client;

    private final ObservationRegistry observationRegistry;

    private final @Nullable LeapListenerObservationConvention observationConvention;

    /**
     * Create an invoker of {@code handlerMethod} for the listener {@code listenerId}.
     */
    public LeapListenerInvoker(
            String listenerId,
            InvocableHandlerMethod handlerMethod,
            LeapListenerErrorHandler errorHandler,
            List<String> replyChannels,
            @Nullable String replyEvent,
            Supplier<LeapClient> client,
            ObservationRegistry observationRegistry,
            @Nullable LeapListenerObservationConvention observationConvention) {
        this.listenerId = listenerId;
        this.handlerMethod = handlerMethod;
        this.errorHandler = errorHandler;
        this.replyChannels = List.copyOf(replyChannels);
        this.replyEvent = replyEvent;
        this.client = client;
        this.observationRegistry = observationRegistry;
        this.observationConvention = observationConvention;
    }

    /**
     * Deliver one message.
     * @param message the message
     * @param failures counts a failure (possibly later, for an asynchronous reply)
     * @return whether the method returned normally
     */
    public boolean invoke(LeapMessage message, Runnable failures) {
        if (this.observationRegistry.isNoop()) {
            return doInvoke(message, failures, null);
        }
        Observation observation = LeapListenerObservation.LISTENER_OBSERVATION.observation(
                this.observationConvention,
                DefaultLeapListenerObservationConvention.INSTANCE,
                () -> new LeapListenerReceiverContext(this.listenerId, message),
                this.observationRegistry);
        observation.start();
        try (Observation.Scope scope = observation.openScope()) {
            return doInvoke(message, failures, observation);
        } finally {
            observation.stop();
        }
    }

    private boolean doInvoke(LeapMessage message, Runnable failures, @Nullable Observation observation) {
        Object result;
        try {
            result = this.handlerMethod.invoke(new LeapListenerMessage(message, this.listenerId));
        } catch (Throwable ex) {
            if (ex instanceof VirtualMachineError error) {
                throw error;
            }
            if (observation != null) {
                observation.error(ex);
            }
            failures.run();
            handle(new LeapListenerExecutionFailedException(
                    this.listenerId, message, LeapListenerExecutionFailedException.classify(ex), ex));
            return false;
        }
        if (result != null && !this.replyChannels.isEmpty()) {
            reply(message, result, failures);
        }
        return true;
    }

    private void reply(LeapMessage message, Object result, Runnable failures) {
        if (result instanceof CompletionStage<?> stage) {
            stage.whenComplete((value, error) -> {
                if (error != null) {
                    failures.run();
                    Throwable cause = LifecycleSupport.unwrap(error);
                    handle(new LeapListenerExecutionFailedException(
                            this.listenerId, message, LeapListenerExecutionFailedException.Kind.LISTENER, cause));
                } else if (value != null) {
                    publish(message, value, failures);
                }
            });
        } else {
            publish(message, result, failures);
        }
    }

    private void publish(LeapMessage message, Object value, Runnable failures) {
        Object data = value;
        String event = (this.replyEvent != null) ? this.replyEvent : message.event();
        if (value instanceof Message<?> reply) {
            data = reply.getPayload();
            String headerEvent = reply.getHeaders().get(LeapHeaders.EVENT, String.class);
            if (headerEvent != null && !headerEvent.isEmpty()) {
                event = headerEvent;
            }
        }
        for (String channel : this.replyChannels) {
            CompletableFuture<Void> sent;
            try {
                sent = this.client.get().publishAsync(channel, event, data);
            } catch (RuntimeException ex) {
                sent = CompletableFuture.failedFuture(ex);
            }
            sent.whenComplete((ignored, error) -> {
                if (error != null) {
                    failures.run();
                    Throwable cause = LifecycleSupport.unwrap(error);
                    handle(new LeapListenerExecutionFailedException(
                            this.listenerId,
                            message,
                            LeapListenerExecutionFailedException.Kind.REPLY,
                            new IllegalStateException("Could not publish to channel '" + channel + "'", cause)));
                }
            });
        }
    }

    private void handle(LeapListenerExecutionFailedException exception) {
        try {
            this.errorHandler.handleError(exception);
        } catch (RuntimeException ex) {
            logger.error("Error handler of Leap listener '" + this.listenerId + "' threw; ignored", ex);
        }
    }
}
