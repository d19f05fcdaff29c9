package io.leap.spring.support;

import io.leap.client.LeapMessage;
import io.leap.spring.annotation.LeapListener;
import org.springframework.core.MethodParameter;
import org.springframework.messaging.Message;
import org.springframework.messaging.handler.invocation.HandlerMethodArgumentResolver;

/**
 * Resolves {@link LeapMessage} parameters of {@link LeapListener} methods from the {@link LeapHeaders#LEAP_MESSAGE}
 * header. Add it to the custom argument resolvers if you define your own
 * {@link org.springframework.messaging.handler.annotation.support.MessageHandlerMethodFactory}.
 */
public class LeapMessageMethodArgumentResolver implements HandlerMethodArgumentResolver {

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return LeapMessage.class.isAssignableFrom(parameter.getParameterType());
    }

    @Override
    public Object resolveArgument(MethodParameter parameter, Message<?> message) {
        if (message instanceof LeapListenerMessage listenerMessage) {
            return listenerMessage.getLeapMessage();
        }
        Object value = message.getHeaders().get(LeapHeaders.LEAP_MESSAGE);
        if (!(value instanceof LeapMessage)) {
            throw new IllegalStateException("No " + LeapHeaders.LEAP_MESSAGE + " header for parameter " + parameter);
        }
        return value;
    }
}
