package io.leap.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leap.client.ConnectionState;
import io.leap.client.LeapClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.context.WebApplicationContext;

/**
 * A real {@code SpringApplication} with the Leap jars: no web server is started (even though Tomcat's WebSocket client
 * brings servlet classes), the embedded mode connects, and {@code HOP_LOGGING_LEVEL} reaches the logging system.
 */
class LeapSpringApplicationIntegrationTests {

    @Test
    void plainApplicationStaysNonWebAndConnects() {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
                .properties("leap.embedded.enabled=true", "HOP_LOGGING_LEVEL=warn", "spring.main.banner-mode=off")
                .run()) {
            assertThat(context).isNotInstanceOf(WebApplicationContext.class);
            LeapClient client = context.getBean(LeapClient.class);
            await().atMost(Duration.ofSeconds(15)).until(() -> client.state() == ConnectionState.CONNECTED);
            LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
            assertThat(logging.getLoggerConfiguration("io.leap").getConfiguredLevel())
                    .isEqualTo(LogLevel.WARN);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {}
}
