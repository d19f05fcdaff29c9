package io.leap.spring.annotation;

import io.leap.spring.config.LeapListenerEndpointRegistry;
import io.leap.spring.listener.LeapListenerContainer;
import io.leap.spring.listener.LeapListenerErrorHandler;
import io.leap.spring.support.LeapHeaders;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.messaging.handler.annotation.MessageMapping;

/**
 * Marks a bean method as the target of Leap messages on the given channels (and/or direct messages), optionally
 * filtered by event name.
 *
 * <pre>{@code
 * @LeapListener(channels = "orders", events = "order.created")
 * void on(OrderCreated order, @Header(LeapHeaders.CHANNEL_ID) String channel) { ... }
 * }</pre>
 *
 * <p>Arguments are resolved by Spring Messaging's {@code MessageHandlerMethodFactory}: the payload (the message's data,
 * {@code @Payload} optional) is converted with the application's JSON mapper to the parameter's type (records,
 * {@code List<Item>}, {@code JsonNode}, ...), a {@code String} parameter receives the raw JSON text and a
 * {@code byte[]} parameter the raw JSON bytes (UTF-8). {@code @Header} parameters read the {@link LeapHeaders}, and the
 * whole {@code io.leap.client.LeapMessage} or a Spring {@code Message<T>} can be injected. {@code @Valid} payloads are
 * validated when a validator is available.
 *
 * <p>Each annotation is one endpoint of the {@link LeapListenerEndpointRegistry}: its own bounded buffer, messages
 * delivered one at a time in socket order, pause/resume/stop/start by {@link #id()}. The channels are subscribed
 * automatically once the client is connected, and again after reconnects. Exceptions go to the
 * {@link LeapListenerErrorHandler} and never stop delivery. A method that also carries
 * {@link org.springframework.messaging.handler.annotation.SendTo @SendTo("channel")} publishes its non-null return
 * value to that channel through the client socket, with the event name {@link #replyEvent()}.
 *
 * <p>String attributes accept property placeholders ({@code ${...}}) and SpEL expressions ({@code #{...}}).
 *
 * @see EnableLeap
 */
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@MessageMapping
@Repeatable(LeapListeners.class)
public @interface LeapListener {

    /**
     * Unique id of this listener (placeholders and SpEL allowed), used by the registry, the {@code leaplisteners}
     * Actuator endpoint, metrics tags and logs. Default: {@code <beanName>.<methodName>} (with {@code #n} appended
     * when that is already taken, e.g. by a repeated annotation).
     * @return the listener id
     */
    String id() default "";

    /**
     * Channel ids to receive messages from. Each entry may be a placeholder or a SpEL expression that resolves to a
     * String (comma-separated values are split), a String array or a collection. May be empty only with
     * {@link #directMessages()}.
     * @return the channel ids
     */
    String[] channels() default {};

    /**
     * User event names to accept (the {@code d.e} of a message); empty accepts every event. Placeholders and SpEL
     * allowed, as for {@link #channels()}.
     * @return the event names
     */
    String[] events() default {};

    /**
     * Whether this listener also receives direct messages (sent to the token, not to a channel), filtered by
     * {@link #events()} like channel messages. {@code "true"} or {@code "false"}, or a placeholder/SpEL resolving to
     * one.
     * @return whether direct messages are received
     */
    String directMessages() default "false";

    /**
     * Maximum number of messages waiting for this listener; empty for the default
     * ({@code leap.listener.buffer-size}, else {@code leap.delivery.buffer-size}).
     * @return the buffer size, as a String to allow placeholders
     */
    String bufferSize() default "";

    /**
     * What happens when this listener's buffer is full: {@code BLOCK}, {@code DROP_OLDEST} or {@code DROP_NEWEST}
     * (see {@link io.leap.client.OverflowPolicy}); empty for the default ({@code leap.listener.overflow-policy}, else
     * {@code leap.delivery.overflow-policy}).
     * @return the overflow policy name
     */
    String overflowPolicy() default "";

    /**
     * Whether the listener starts with the application context; empty for the default
     * ({@code leap.listener.auto-startup}, {@code true}). A listener that is not started ignores messages until
     * {@link LeapListenerContainer#start()}.
     * @return {@code "true"}, {@code "false"} or empty
     */
    String autoStartup() default "";

    /**
     * Event name used when the return value is published with {@code @SendTo}; empty to reuse the incoming message's
     * event name.
     * @return the reply event name
     */
    String replyEvent() default "";

    /**
     * Bean name of a {@link LeapListenerErrorHandler} for this listener; empty for the application's default.
     * @return the error handler bean name
     */
    String errorHandler() default "";
}
