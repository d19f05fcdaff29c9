package io.leap.spring.annotation;

import io.leap.spring.config.LeapListenerConfigUtils;
import io.leap.spring.config.LeapListenerEndpointRegistry;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Import;

/**
 * Enables {@link LeapListener} methods: registers the {@link LeapListenerAnnotationBeanPostProcessor} and the
 * {@link LeapListenerEndpointRegistry} under the names in {@link LeapListenerConfigUtils}, unless already present.
 * Spring Boot applies it automatically (see {@code LeapListenerAutoConfiguration}); use it directly only without
 * Boot's auto-configuration. Customise with {@link LeapListenerConfigurer} beans.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Import(LeapBootstrapConfiguration.class)
public @interface EnableLeap {}
