package io.leap.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogs;
import org.springframework.core.env.MapPropertySource;
import org.springframework.mock.env.MockEnvironment;

class LeapLoggingEnvironmentPostProcessorTests {

    private final LeapLoggingEnvironmentPostProcessor processor =
            new LeapLoggingEnvironmentPostProcessor(new DeferredLogs());

    @Test
    void documentedPropertyFormSetsTheLevelToo() {
        MockEnvironment environment = new MockEnvironment().withProperty("hop.logging.level", "warn");
        this.processor.postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.getProperty("logging.level.io.leap")).isEqualTo("WARN");
    }

    @Test
    void setsLeapLoggerLevelFromHopLoggingLevel() {
        MockEnvironment environment = new MockEnvironment().withProperty("HOP_LOGGING_LEVEL", "debug");
        this.processor.postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.getProperty("logging.level.io.leap")).isEqualTo("DEBUG");
    }

    @Test
    void mapsEveryGoLevel() {
        assertThat(LeapLoggingEnvironmentPostProcessor.toLogLevel("info")).isEqualTo("INFO");
        assertThat(LeapLoggingEnvironmentPostProcessor.toLogLevel("WARN")).isEqualTo("WARN");
        assertThat(LeapLoggingEnvironmentPostProcessor.toLogLevel(" error ")).isEqualTo("ERROR");
        assertThat(LeapLoggingEnvironmentPostProcessor.toLogLevel("verbose")).isNull();
    }

    @Test
    void userSettingWins() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("HOP_LOGGING_LEVEL", "debug")
                .withProperty("logging.level.io.leap", "warn");
        this.processor.postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.getProperty("logging.level.io.leap")).isEqualTo("warn");
    }

    @Test
    void userSettingInLaterSourceStillWins() {
        MockEnvironment environment = new MockEnvironment().withProperty("HOP_LOGGING_LEVEL", "debug");
        this.processor.postProcessEnvironment(environment, new SpringApplication());
        environment
                .getPropertySources()
                .addFirst(new MapPropertySource("user", java.util.Map.of("logging.level.io.leap", "ERROR")));
        assertThat(environment.getProperty("logging.level.io.leap")).isEqualTo("ERROR");
    }

    @Test
    void invalidOrMissingValueIsIgnored() {
        MockEnvironment environment = new MockEnvironment().withProperty("HOP_LOGGING_LEVEL", "loud");
        this.processor.postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.getProperty("logging.level.io.leap")).isNull();
        MockEnvironment empty = new MockEnvironment();
        this.processor.postProcessEnvironment(empty, new SpringApplication());
        assertThat(empty.getProperty("logging.level.io.leap")).isNull();
    }

    @Test
    void registeredInSpringFactories() throws Exception {
        String factories = new String(getClass()
                .getClassLoader()
                .getResourceAsStream("META-INF/spring.factories")
                .readAllBytes());
        assertThat(factories)
                .contains("org.springframework.boot.EnvironmentPostProcessor=\\\n"
                        + "io.leap.spring.autoconfigure.LeapLoggingEnvironmentPostProcessor");
        assertThat(factories)
                .contains("org.springframework.boot.diagnostics.FailureAnalyzer=\\\n"
                        + "io.leap.spring.autoconfigure.LeapFailureAnalyzer");
    }
}
