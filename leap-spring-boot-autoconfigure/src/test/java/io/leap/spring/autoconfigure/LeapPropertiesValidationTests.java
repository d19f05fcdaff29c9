package io.leap.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

/**
 * Invalid {@code leap.*}, {@code leap.api.*} and {@code leap.listener.*} values fail startup with a
 * {@link BindValidationException} naming the property, both with a Bean Validation provider (hibernate-validator is
 * on the test classpath) and without one (hidden with a {@link FilteredClassLoader}); and the report Boot prints
 * names the property, the value and what is allowed.
 */
@ExtendWith(OutputCaptureExtension.class)
class LeapPropertiesValidationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    LeapAutoConfiguration.class,
                    LeapTemplateAutoConfiguration.class,
                    LeapListenerAutoConfiguration.class))
            .withPropertyValues(
                    "leap.lifecycle.auto-startup=false",
                    "leap.project-id=project_test",
                    "leap.token=leap_token_secret123",
                    "leap.url=ws://127.0.0.1:1/ws");

    private final ApplicationContextRunner withoutBeanValidation =
            this.runner.withClassLoader(new FilteredClassLoader("jakarta.validation", "org.hibernate.validator"));

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
			leap.url                        | http://leap.example.com/ws | ws or wss URL
			leap.url                        | leap.example.com/ws        | ws or wss URL
			leap.url                        | wss:///ws                  | must name a host
			leap.connect-timeout            | 0s                         | positive duration
			leap.subscribe-timeout          | -1s                        | positive duration
			leap.heartbeat-ack-timeout      | 0ms                        | positive duration
			leap.reconnect.initial-backoff  | 0s                         | positive duration
			leap.reconnect.max-backoff      | 100ms                      | must not be shorter than leap.reconnect.initial-backoff
			leap.reconnect.multiplier       | 0.5                        | at least 1.0
			leap.lifecycle.shutdown-timeout | -5s                        | must not be a negative duration
			leap.events.shutdown-timeout    | -1ms                       | must not be a negative duration
			leap.transport.buffer-size      | 0B                         | positive size
			leap.embedded.heartbeat-interval| 0s                         | positive duration
			leap.embedded.token-state       | [1]                        | JSON object
			leap.api.url                    | ws://api.example.com       | http or https URL
			leap.api.url                    | https://api.example.com?x=1| must not have a query
			leap.api.url                    | https://api.hop.io/v1      | without /v1
			leap.api.request-timeout        | 0s                         | positive duration
			leap.api.connect-timeout        | -1s                        | positive duration
			leap.api.retry.initial-backoff  | 0s                         | positive duration
			leap.api.retry.max-backoff      | 1ms                        | must not be shorter than leap.api.retry.initial-backoff
			leap.api.retry.max-retry-after  | -1s                        | must not be a negative duration
			leap.listener.shutdown-timeout  | -1s                        | must not be a negative duration
			leap.listener.resubscribe-interval | 0s                      | positive duration
			""")
    void invalidValueFailsWithoutBeanValidation(String property, String value, String reason) {
        this.withoutBeanValidation
                .withPropertyValues(property + "=" + value)
                .run((context) -> assertRejected(context, property, reason));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
			leap.delivery.buffer-size   | 0     | at least 1
			leap.embedded.port          | 70000 | between 0 and 65535
			leap.api.retry.max-retries  | -1    | at least 0
			leap.listener.buffer-size   | 0     | at least 1
			""")
    void numericBoundsAreCheckedWithoutBeanValidation(String property, String value, String reason) {
        this.withoutBeanValidation
                .withPropertyValues(property + "=" + value)
                .run((context) -> assertRejected(context, property, reason));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
			leap.delivery.buffer-size   | 0     | greater than or equal to 1
			leap.embedded.port          | 70000 | less than or equal to 65535
			leap.api.retry.max-retries  | -1    | greater than or equal to 0
			leap.listener.buffer-size   | 0     | greater than or equal to 1
			""")
    void numericBoundsAreCheckedOnceByBeanValidation(String property, String value, String reason) {
        this.runner.withPropertyValues(property + "=" + value).run((context) -> {
            assertRejected(context, property, reason);
            BindValidationException ex = (BindValidationException) rootCause(context);
            assertThat(ex.getValidationErrors().getAllErrors()).hasSize(1);
        });
    }

    @Test
    void durationsAndUrlsAreCheckedWithBeanValidation() {
        this.runner
                .withPropertyValues("leap.url=https://leap.example.com/ws", "leap.connect-timeout=0s")
                .run((context) -> {
                    assertRejected(context, "leap.url", "ws or wss URL");
                    assertRejected(context, "leap.connect-timeout", "positive duration");
                });
    }

    @Test
    void defaultsAreValid() {
        this.withoutBeanValidation.run((context) -> assertThat(context).hasNotFailed());
        this.runner.run((context) -> assertThat(context).hasNotFailed());
    }

    @Test
    void leapTokenAsApiTokenIsReportedAgainstThePropertyWithoutEchoingIt() {
        this.runner.withPropertyValues("leap.api.token=leap_token_secret456").run((context) -> {
            assertThat(context).hasFailed();
            LeapInvalidSecretException ex = null;
            for (Throwable t = context.getStartupFailure(); t != null && ex == null; t = t.getCause()) {
                ex = (t instanceof LeapInvalidSecretException secret) ? secret : null;
            }
            assertThat(ex).isNotNull();
            assertThat(ex.getProperty()).isEqualTo("leap.api.token");
            assertThat(ex.getReason()).contains("ptk_");
            for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage())).doesNotContain("secret456");
            }
        });
    }

    @Test
    void printedReportNamesPropertyValueAndWhatIsAllowed(CapturedOutput output) {
        SpringApplicationBuilder application = new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.NONE)
                .properties(
                        "spring.main.banner-mode=off",
                        "leap.lifecycle.auto-startup=false",
                        "leap.project-id=project_test",
                        "leap.token=leap_token_secret789",
                        "leap.url=http://leap.example.com/ws",
                        "leap.reconnect.multiplier=0.5");
        assertThatThrownBy(application::run).hasRootCauseInstanceOf(BindValidationException.class);
        assertThat(output)
                .contains("APPLICATION FAILED TO START")
                .contains("Property: leap.url")
                .contains("Value: \"http://leap.example.com/ws\"")
                .contains("must be an absolute ws or wss URL, for example wss://leap.hop.io/ws")
                .contains("Property: leap.reconnect.multiplier")
                .contains("Value: \"0.5\"")
                .contains("must be a finite number of at least 1.0")
                .contains("Update your application's configuration")
                .doesNotContain("secret789")
                .doesNotContain("BeanCreationException");
    }

    @Test
    void printedReportForUnconvertibleValueListsWhatIsAllowed(CapturedOutput output) {
        SpringApplicationBuilder application = new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.NONE)
                .properties(
                        "spring.main.banner-mode=off",
                        "leap.lifecycle.auto-startup=false",
                        "leap.project-id=project_test",
                        "leap.token=leap_token_secret654",
                        "leap.delivery.overflow-policy=sometimes");
        assertThatThrownBy(application::run).isNotNull();
        assertThat(output)
                .contains("APPLICATION FAILED TO START")
                .contains("leap.delivery.overflow-policy")
                .contains("sometimes")
                .contains("BLOCK")
                .contains("DROP_OLDEST")
                .doesNotContain("secret654");
    }

    @Test
    void printedReportForApiTokenMasksIt(CapturedOutput output) {
        SpringApplicationBuilder application = new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.NONE)
                .properties("spring.main.banner-mode=off", "leap.enabled=false", "leap.api.token=leap_token_secret321");
        assertThatThrownBy(application::run).hasStackTraceContaining("LeapInvalidSecretException");
        assertThat(output)
                .contains("APPLICATION FAILED TO START")
                .contains("Invalid value for configuration property 'leap.api.token' (not shown")
                .contains("a Leap token (leap_token_...) is a socket credential")
                .contains("Set leap.api.token to a project token (ptk_...)")
                .doesNotContain("secret321");
    }

    private static void assertRejected(AssertableApplicationContext context, String property, String reason) {
        assertThat(context).hasFailed();
        Throwable root = rootCause(context);
        assertThat(root).isInstanceOf(BindValidationException.class);
        List<ObjectError> errors =
                ((BindValidationException) root).getValidationErrors().getAllErrors();
        Function<ObjectError, String> name = (error) ->
                error.getObjectName() + "." + DataObjectPropertyName.toDashedForm(((FieldError) error).getField());
        assertThat(errors).anySatisfy((error) -> {
            assertThat(name.apply(error)).isEqualTo(property);
            assertThat(error.getDefaultMessage()).contains(reason);
        });
    }

    private static Throwable rootCause(AssertableApplicationContext context) {
        Throwable ex = context.getStartupFailure();
        while (ex.getCause() != null) {
            ex = ex.getCause();
        }
        return ex;
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({LeapAutoConfiguration.class, LeapTemplateAutoConfiguration.class})
    static class App {}
}
