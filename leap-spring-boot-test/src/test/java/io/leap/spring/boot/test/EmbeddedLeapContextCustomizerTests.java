package io.leap.spring.boot.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EmbeddedLeapContextCustomizerTests {

    @EmbeddedLeap(
            channels = {"a", "b"},
            tokenState = "{\"x\":1}")
    static class First {}

    @EmbeddedLeap(
            channels = {"a", "b"},
            tokenState = "{\"x\":1}")
    static class SameValues {}

    @EmbeddedLeap(
            channels = {"a"},
            tokenState = "{\"x\":1}")
    static class OtherChannels {}

    @EmbeddedLeap(
            channels = {"a", "b"},
            tokenState = "{}")
    static class OtherTokenState {}

    @EmbeddedLeap(
            channels = {"a", "b"},
            tokenState = "{\"x\":1}",
            port = 18080)
    static class OtherPort {}

    static class NotAnnotated {}

    static class Inherits extends First {}

    private final EmbeddedLeapContextCustomizerFactory factory = new EmbeddedLeapContextCustomizerFactory();

    private Object customizer(Class<?> testClass) {
        return factory.createContextCustomizer(testClass, List.of());
    }

    @Test
    void equalForEqualValuesSoContextsAreCached() {
        assertThat(customizer(First.class)).isEqualTo(customizer(SameValues.class));
        assertThat(customizer(First.class)).hasSameHashCodeAs(customizer(SameValues.class));
        assertThat(customizer(Inherits.class)).isEqualTo(customizer(First.class));
    }

    @Test
    void differentForDifferentValues() {
        assertThat(customizer(First.class))
                .isNotEqualTo(customizer(OtherChannels.class))
                .isNotEqualTo(customizer(OtherTokenState.class))
                .isNotEqualTo(customizer(OtherPort.class));
    }

    @Test
    void noCustomizerWithoutTheAnnotation() {
        assertThat(customizer(NotAnnotated.class)).isNull();
    }
}
