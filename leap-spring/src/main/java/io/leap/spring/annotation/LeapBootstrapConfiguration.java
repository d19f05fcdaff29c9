package io.leap.spring.annotation;

import io.leap.spring.config.LeapListenerConfigUtils;
import io.leap.spring.config.LeapListenerEndpointRegistry;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Registers the {@link LeapListenerAnnotationBeanPostProcessor} and the {@link LeapListenerEndpointRegistry} when
 * they are not defined yet. Imported by {@link EnableLeap}.
 */
public class LeapBootstrapConfiguration implements ImportBeanDefinitionRegistrar {

    @Override
    public void registerBeanDefinitions(AnnotationMetadata importingClassMetadata, BeanDefinitionRegistry registry) {
        if (!registry.containsBeanDefinition(LeapListenerConfigUtils.LEAP_LISTENER_ANNOTATION_PROCESSOR_BEAN_NAME)) {
            RootBeanDefinition definition = new RootBeanDefinition(LeapListenerAnnotationBeanPostProcessor.class);
            definition.setRole(BeanDefinition.ROLE_INFRASTRUCTURE);
            registry.registerBeanDefinition(
                    LeapListenerConfigUtils.LEAP_LISTENER_ANNOTATION_PROCESSOR_BEAN_NAME, definition);
        }
        if (!registry.containsBeanDefinition(LeapListenerConfigUtils.LEAP_LISTENER_ENDPOINT_REGISTRY_BEAN_NAME)) {
            RootBeanDefinition definition = new RootBeanDefinition(LeapListenerEndpointRegistry.class);
            definition.setRole(BeanDefinition.ROLE_INFRASTRUCTURE);
            registry.registerBeanDefinition(
                    LeapListenerConfigUtils.LEAP_LISTENER_ENDPOINT_REGISTRY_BEAN_NAME, definition);
        }
    }
}
