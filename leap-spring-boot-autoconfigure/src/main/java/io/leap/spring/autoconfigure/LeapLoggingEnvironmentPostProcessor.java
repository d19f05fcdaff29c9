package io.leap.spring.autoconfigure;

import java.util.Locale;
import java.util.Map;
import org.apache.commons.logging.Log;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Honours the Go SDK's {@code HOP_LOGGING_LEVEL} switch ({@code debug}, {@code info}, {@code warn}, {@code error}):
 * when set, it becomes the level of the {@code io.leap} loggers, unless the application configures
 * {@code logging.level.io.leap} itself (the value is added as the property source of lowest precedence). The same
 * switch can be given as the property {@code hop.logging.level} (documented in the configuration metadata), which
 * Spring also resolves from the environment variable.
 */
class LeapLoggingEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    static final String ENV_VARIABLE = "HOP_LOGGING_LEVEL";

    static final String PROPERTY = "hop.logging.level";

    static final String PROPERTY_SOURCE_NAME = "leapHopLoggingLevel";

    static final String LOGGING_PROPERTY = "logging.level.io.leap";

    private final Log logger;

    LeapLoggingEnvironmentPostProcessor(DeferredLogFactory logFactory) {
        this.logger = logFactory.getLog(LeapLoggingEnvironmentPostProcessor.class);
    }

    @Override
    public int getOrder() {
        // After the config data has been loaded, so the property source can be appended after every other one.
        return Ordered.LOWEST_PRECEDENCE;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String value = environment.getProperty(ENV_VARIABLE);
        if (value == null || value.isBlank()) {
            value = environment.getProperty(PROPERTY);
        }
        if (value == null || value.isBlank()) {
            return;
        }
        String level = toLogLevel(value);
        if (level == null) {
            this.logger.warn(ENV_VARIABLE + "='" + value + "' is not one of debug, info, warn, error; ignored");
            return;
        }
        if (environment.getPropertySources().contains(PROPERTY_SOURCE_NAME)) {
            return;
        }
        environment
                .getPropertySources()
                .addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, Map.of(LOGGING_PROPERTY, level)));
    }

    static String toLogLevel(String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "debug" -> "DEBUG";
            case "info" -> "INFO";
            case "warn", "warning" -> "WARN";
            case "error" -> "ERROR";
            default -> null;
        };
    }
}
