package io.leap.spring.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;

/**
 * Checks shared by the {@code leap.*} properties classes, which validate themselves (they implement
 * {@link org.springframework.validation.Validator}) so that a bad value fails startup with Boot's binding report
 * (property, value, origin and reason) whether or not a Bean Validation provider is present.
 *
 * <p>The numeric bounds are also declared as Bean Validation constraints; when a provider is present Boot applies
 * those, and the numeric checks here are skipped so that a value is not reported twice. Durations, URLs and checks
 * across several properties have no standard constraint and are always checked here.
 */
final class PropertyChecks {

    private static final String[] JSR303_CLASSES = {
        "jakarta.validation.Validator",
        "jakarta.validation.ValidatorFactory",
        "jakarta.validation.bootstrap.GenericBootstrap"
    };

    private PropertyChecks() {}

    /**
     * Whether Boot applies Bean Validation to {@code @Validated} properties (the same test as Boot's binder).
     * @param classLoader the class loader of the application
     * @return {@code true} when the Bean Validation API is present
     */
    static boolean beanValidationPresent(@Nullable ClassLoader classLoader) {
        for (String name : JSR303_CLASSES) {
            if (!ClassUtils.isPresent(name, classLoader)) {
                return false;
            }
        }
        return true;
    }

    static boolean beanValidationPresent() {
        return beanValidationPresent(ClassUtils.getDefaultClassLoader());
    }

    static void positive(Errors errors, String field, @Nullable Duration value, String example) {
        if (value != null && (value.isZero() || value.isNegative())) {
            errors.rejectValue(field, "leap.positive", "must be a positive duration, for example " + example);
        }
    }

    static void notNegative(Errors errors, String field, @Nullable Duration value) {
        if (value != null && value.isNegative()) {
            errors.rejectValue(field, "leap.notNegative", "must not be a negative duration (0 does not wait)");
        }
    }

    static void required(Errors errors, String field, @Nullable Object value) {
        if (value == null) {
            errors.rejectValue(field, "leap.required", "must be set");
        }
    }

    static void positive(Errors errors, String field, @Nullable DataSize value, String example) {
        if (value != null && value.toBytes() <= 0) {
            errors.rejectValue(field, "leap.positive", "must be a positive size, for example " + example);
        }
    }

    static void atLeast(Errors errors, String field, @Nullable Integer value, int minimum) {
        if (value != null && value < minimum && !beanValidationPresent()) {
            errors.rejectValue(field, "leap.min", "must be at least " + minimum);
        }
    }

    static void between(Errors errors, String field, int value, int minimum, int maximum) {
        if ((value < minimum || value > maximum) && !beanValidationPresent()) {
            errors.rejectValue(field, "leap.range", "must be between " + minimum + " and " + maximum);
        }
    }

    static void notShorter(
            Errors errors, String field, @Nullable Duration value, String otherProperty, @Nullable Duration other) {
        if (value != null && other != null && value.compareTo(other) < 0 && !other.isNegative() && !other.isZero()) {
            errors.rejectValue(
                    field, "leap.notShorter", "must not be shorter than " + otherProperty + " (" + other + ")");
        }
    }

    /**
     * Reject a URL that is not absolute, has no host or uses another scheme than those allowed.
     */
    static void url(Errors errors, String field, @Nullable URI url, Set<String> schemes, String example) {
        if (url == null) {
            errors.rejectValue(field, "leap.required", "must be set, for example " + example);
            return;
        }
        String scheme = (url.getScheme() != null) ? url.getScheme().toLowerCase(Locale.ROOT) : null;
        String allowed = String.join(
                " or ", schemes.stream().sorted(PropertyChecks::schemeOrder).toList());
        if (scheme == null || !schemes.contains(scheme)) {
            errors.rejectValue(field, "leap.scheme", "must be an absolute " + allowed + " URL, for example " + example);
        } else if (!StringUtils.hasText(url.getHost())) {
            errors.rejectValue(field, "leap.host", "must name a host, for example " + example);
        }
    }

    private static int schemeOrder(String a, String b) {
        // "ws" before "wss", "http" before "https"
        return Integer.compare(a.length(), b.length()) != 0 ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
    }

    static void noBlankEntries(Errors errors, String field, List<String> values) {
        for (int i = 0; i < values.size(); i++) {
            if (!StringUtils.hasText(values.get(i))) {
                errors.rejectValue(field, "leap.blank", "must not contain blank channel names (entry " + i + ")");
                return;
            }
        }
    }
}
