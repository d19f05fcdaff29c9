package io.leap.spring.support;

import io.leap.spring.annotation.LeapListener;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.CompositeMessageConverter;
import org.springframework.messaging.converter.JacksonJsonMessageConverter;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.handler.annotation.support.DefaultMessageHandlerMethodFactory;
import org.springframework.validation.Validator;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds the {@link DefaultMessageHandlerMethodFactory} used for {@link LeapListener} methods.
 */
public final class LeapHandlerMethodFactories {

    private LeapHandlerMethodFactories() {}

    /**
     * Create the message converter of listener payloads. Payloads reach the converter as the raw JSON text of the
     * message data: a {@code String} parameter takes it as is, {@code byte[]} gets its UTF-8 bytes, and every other
     * type is read by Jackson with the given mapper (generic parameter types included).
     * @param jsonMapper the mapper
     * @return the converter
     */
    public static MessageConverter messageConverter(JsonMapper jsonMapper) {
        return new CompositeMessageConverter(
                List.of(new RawJsonBytesConverter(), new JacksonJsonMessageConverter(jsonMapper)));
    }

    /**
     * Create and initialise a factory with {@link #messageConverter(JsonMapper)}, the
     * {@link LeapMessageMethodArgumentResolver}, the {@link LeapPayloadMethodArgumentResolver} (plain payload parameters,
     * read straight from the message's data) and, if given, a validator for {@code @Valid} payloads (which the message
     * converter reads).
     * @param jsonMapper the mapper
     * @param validator the validator, or {@code null} for none
     * @param beanFactory the bean factory (for {@code @Header} default values with placeholders), or {@code null}
     * @return the initialised factory
     */
    public static DefaultMessageHandlerMethodFactory create(
            JsonMapper jsonMapper, @Nullable Validator validator, @Nullable BeanFactory beanFactory) {
        DefaultMessageHandlerMethodFactory factory = new DefaultMessageHandlerMethodFactory();
        factory.setMessageConverter(messageConverter(jsonMapper));
        factory.setCustomArgumentResolvers(
                List.of(new LeapMessageMethodArgumentResolver(), new LeapPayloadMethodArgumentResolver(jsonMapper)));
        if (validator != null) {
            factory.setValidator(validator);
        }
        if (beanFactory != null) {
            factory.setBeanFactory(beanFactory);
        }
        factory.afterPropertiesSet();
        return factory;
    }

    /** Raw JSON text payload to {@code byte[]}; leaves every other target to the next converter. */
    private static final class RawJsonBytesConverter implements MessageConverter {

        @Override
        public @Nullable Object fromMessage(Message<?> message, Class<?> targetClass) {
            if (targetClass == byte[].class && message.getPayload() instanceof String text) {
                return text.getBytes(StandardCharsets.UTF_8);
            }
            return null;
        }

        @Override
        public @Nullable Message<?> toMessage(Object payload, @Nullable MessageHeaders headers) {
            return null;
        }
    }
}
