package io.leap.spring.boot.test;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Finds {@link EmbeddedLeap} on a test class (or its enclosing classes) and returns the customizer that applies it.
 * Listed under {@code org.springframework.test.context.ContextCustomizerFactory} in {@code META-INF/spring.factories}.
 */
final class EmbeddedLeapContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public @Nullable ContextCustomizer createContextCustomizer(
            Class<?> testClass, List<ContextConfigurationAttributes> configAttributes) {
        EmbeddedLeap embeddedLeap = TestContextAnnotationUtils.findMergedAnnotation(testClass, EmbeddedLeap.class);
        return (embeddedLeap != null) ? new EmbeddedLeapContextCustomizer(embeddedLeap) : null;
    }
}
