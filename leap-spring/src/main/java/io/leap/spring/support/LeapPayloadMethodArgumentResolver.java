package io.leap.spring.support;

import io.leap.client.LeapException;
import io.leap.client.LeapMessage;
import io.leap.spring.annotation.LeapListener;
import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;
import org.springframework.messaging.Message;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.messaging.handler.invocation.HandlerMethodArgumentResolver;
import org.springframework.util.StringUtils;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Resolves the payload parameter of a {@link LeapListener} method straight from the {@link LeapMessage}: a
 * {@code String} gets the raw JSON text, {@code byte[]} its UTF-8 bytes, {@code JsonNode} the message's (cached) tree,
 * and every other type is read from the bytes received by an {@link ObjectReader} created once per parameter with the
 * given mapper (generic parameter types included). No message converter, content type or text copy is involved.
 *
 * <p>It takes only plain payload parameters: without annotations, or with a bare {@code @Payload}. A parameter with any
 * other annotation ({@code @Valid}, {@code @Validated}, a constraint, {@code @JsonView}, ...) or a {@code @Payload}
 * with an expression or {@code required = false}, and an {@code Optional}, is left to Spring's
 * {@code PayloadMethodArgumentResolver}, which validates and converts as usual. Errors are those of that resolver: a
 * {@link MessageConversionException} when the data cannot be read or is JSON {@code null}.
 *
 * <p>Registered by {@link LeapHandlerMethodFactories#create}; add it to the custom argument resolvers (after
 * {@link LeapMessageMethodArgumentResolver}) if you define your own
 * {@link org.springframework.messaging.handler.annotation.support.MessageHandlerMethodFactory}.
 */
public class LeapPayloadMethodArgumentResolver implements HandlerMethodArgumentResolver {

    private final JsonMapper jsonMapper;

    private final Map<MethodParameter, ObjectReader> readers = new ConcurrentHashMap<>();

    /**
     * Create a resolver that reads payloads with {@code jsonMapper}.
     * @param jsonMapper the mapper
     */
    public LeapPayloadMethodArgumentResolver(JsonMapper jsonMapper) {
        this.jsonMapper = Objects.requireNonNull(jsonMapper, "jsonMapper");
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        Class<?> type = parameter.getParameterType();
        if (type == Optional.class
                || LeapMessage.class.isAssignableFrom(type)
                || Message.class.isAssignableFrom(type)) {
            return false;
        }
        for (Annotation annotation : parameter.getParameterAnnotations()) {
            if (!(annotation instanceof Payload payload)
                    || StringUtils.hasText(payload.expression())
                    || !payload.required()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public @Nullable Object resolveArgument(MethodParameter parameter, Message<?> message) {
        Class<?> type = parameter.getParameterType();
        LeapMessage leapMessage = leapMessage(message);
        if (type == String.class) {
            return (leapMessage != null) ? leapMessage.rawData() : text(message);
        }
        if (type == byte[].class) {
            return ((leapMessage != null) ? leapMessage.rawData() : text(message)).getBytes(StandardCharsets.UTF_8);
        }
        Object value;
        try {
            if (leapMessage == null) {
                value = this.readers.computeIfAbsent(parameter, this::reader).readValue(text(message));
            } else if (type == JsonNode.class) {
                value = leapMessage.data();
            } else {
                value = leapMessage.data(this.readers.computeIfAbsent(parameter, this::reader));
            }
        } catch (LeapException | JacksonException ex) {
            String reason = (ex instanceof JacksonException jackson)
                    ? "Cannot convert message data to " + type.getName() + ": " + jackson.getOriginalMessage()
                    : ex.getMessage();
            throw new MessageConversionException(
                    message,
                    reason + " (for " + parameter + ")",
                    (ex instanceof JacksonException) ? ex : ex.getCause());
        }
        if (value == null) {
            throw new MessageConversionException(
                    message, "Cannot convert JSON null to [" + type.getName() + "] for " + parameter);
        }
        return value;
    }

    private ObjectReader reader(MethodParameter parameter) {
        return this.jsonMapper.readerFor(this.jsonMapper.constructType(
                ResolvableType.forMethodParameter(parameter).getType()));
    }

    private static @Nullable LeapMessage leapMessage(Message<?> message) {
        if (message instanceof LeapListenerMessage listenerMessage) {
            return listenerMessage.getLeapMessage();
        }
        return (message.getHeaders().get(LeapHeaders.LEAP_MESSAGE) instanceof LeapMessage header) ? header : null;
    }

    private static String text(Message<?> message) {
        Object payload = message.getPayload();
        if (payload instanceof String text) {
            return text;
        }
        if (payload instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        throw new MessageConversionException(
                message,
                "Expected the raw JSON text of a Leap message, got a "
                        + payload.getClass().getName());
    }
}
