package io.leap.spring.autoconfigure;

import java.util.Locale;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Masks Leap's credentials in Actuator's {@code configprops} and {@code env} output, even when an application shows
 * values ({@code management.endpoint.*.show-values=always}): every key under {@code leap.} that names a token
 * ({@code leap.token}, {@code leap.api.token}, and their environment-variable forms such as {@code LEAP_TOKEN}).
 * Only present with Actuator on the classpath.
 */
@AutoConfiguration
@ConditionalOnClass(SanitizingFunction.class)
public final class LeapSanitizingAutoConfiguration {

    /** Name of the {@link SanitizingFunction} bean; define a bean with this name to replace it. */
    public static final String SANITIZING_FUNCTION_BEAN_NAME = "leapTokenSanitizingFunction";

    @Bean(SANITIZING_FUNCTION_BEAN_NAME)
    @ConditionalOnMissingBean(name = SANITIZING_FUNCTION_BEAN_NAME)
    static SanitizingFunction leapTokenSanitizingFunction() {
        return SanitizingFunction.sanitizeValue().ifKeyMatches(LeapSanitizingAutoConfiguration::isLeapCredential);
    }

    /**
     * Whether a property key names a Leap credential, in any of its relaxed forms ({@code leap.api.token},
     * {@code leap.api-token}, {@code LEAP_API_TOKEN}, {@code leap.apiToken}).
     * @param key the key as Actuator sees it
     * @return {@code true} to mask its value
     */
    static boolean isLeapCredential(String key) {
        String normalized = key.toLowerCase(Locale.ROOT).replace('_', '.').replace('-', '.');
        return normalized.startsWith("leap.") && normalized.endsWith("token");
    }
}
