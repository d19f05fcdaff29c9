package io.leap.spring.boot.test;

import io.leap.client.LeapClient;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Applies {@link EmbeddedLeap}: a property source, ahead of every other, that switches on the starter's embedded
 * mode with the annotation's channels, token state and port, and a {@link LeapMessageRecorder} bean where the context
 * has a {@code LeapClient}. Equal for equal
 * annotation values, so the test context cache keeps working.
 */
final class EmbeddedLeapContextCustomizer implements ContextCustomizer {

    static final String PROPERTY_SOURCE_NAME = "embeddedLeap";

    static final String RECORDER_BEAN_NAME = "leapMessageRecorder";

    private final String[] channels;

    private final String tokenState;

    private final int port;

    EmbeddedLeapContextCustomizer(EmbeddedLeap embeddedLeap) {
        this.channels = embeddedLeap.channels().clone();
        this.tokenState = embeddedLeap.tokenState();
        this.port = embeddedLeap.port();
    }

    @Override
    public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("leap.enabled", "true");
        properties.put("leap.embedded.enabled", "true");
        properties.put("leap.embedded.port", String.valueOf(port));
        properties.put("leap.embedded.token-state", tokenState);
        properties.put("leap.embedded.channels", String.join(",", channels));
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE_NAME, properties));

        if (context.getBeanFactory() instanceof BeanDefinitionRegistry registry
                && !registry.containsBeanDefinition(RecorderRegistrar.BEAN_NAME)) {
            registry.registerBeanDefinition(
                    RecorderRegistrar.BEAN_NAME, new RootBeanDefinition(RecorderRegistrar.class));
        }
    }

    /**
     * Registers the {@link LeapMessageRecorder} once the configuration classes have been read, and only where there
     * is a {@link LeapClient} to record. As a non-ordered registry post-processor it runs after Spring's
     * configuration class processing.
     */
    static final class RecorderRegistrar implements BeanDefinitionRegistryPostProcessor {

        static final String BEAN_NAME = "io.leap.spring.boot.test.internalLeapMessageRecorderRegistrar";

        @Override
        public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
            if (registry.containsBeanDefinition(RECORDER_BEAN_NAME)
                    || !(registry instanceof ListableBeanFactory beanFactory)
                    || beanFactory.getBeanNamesForType(LeapClient.class, true, false).length == 0) {
                return;
            }
            RootBeanDefinition recorder = new RootBeanDefinition(LeapMessageRecorder.class);
            recorder.setFactoryMethodName("record");
            recorder.setAutowireMode(RootBeanDefinition.AUTOWIRE_CONSTRUCTOR);
            recorder.setDestroyMethodName("close");
            registry.registerBeanDefinition(RECORDER_BEAN_NAME, recorder);
        }

        @Override
        public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {}
    }

    @Override
    public boolean equals(Object other) {
        return this == other
                || (other instanceof EmbeddedLeapContextCustomizer that
                        && Arrays.equals(channels, that.channels)
                        && tokenState.equals(that.tokenState)
                        && port == that.port);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(channels), tokenState, port);
    }
}
