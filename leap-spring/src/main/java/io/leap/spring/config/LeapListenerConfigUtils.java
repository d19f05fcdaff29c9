package io.leap.spring.config;

import io.leap.spring.annotation.LeapListener;
import io.leap.spring.annotation.LeapListenerAnnotationBeanPostProcessor;
import io.leap.spring.listener.LeapListenerErrorHandler;

/**
 * Well-known bean names of the {@link LeapListener} infrastructure. Define a bean under one of these names to replace
 * the default.
 */
public final class LeapListenerConfigUtils {

    /** Bean name of the {@link LeapListenerAnnotationBeanPostProcessor}. */
    public static final String LEAP_LISTENER_ANNOTATION_PROCESSOR_BEAN_NAME =
            "io.leap.spring.listener.internalLeapListenerAnnotationProcessor";

    /** Bean name of the {@link LeapListenerEndpointRegistry}. */
    public static final String LEAP_LISTENER_ENDPOINT_REGISTRY_BEAN_NAME = "leapListenerEndpointRegistry";

    /**
     * Bean name of the {@link org.springframework.messaging.handler.annotation.support.MessageHandlerMethodFactory}
     * used for listener methods; when absent, a default one over the application's {@code JsonMapper} is created.
     */
    public static final String LEAP_HANDLER_METHOD_FACTORY_BEAN_NAME = "leapHandlerMethodFactory";

    /** Bean name of the default {@link LeapListenerErrorHandler}. */
    public static final String LEAP_LISTENER_ERROR_HANDLER_BEAN_NAME = "leapListenerErrorHandler";

    private LeapListenerConfigUtils() {}
}
