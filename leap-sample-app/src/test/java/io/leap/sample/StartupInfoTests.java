package io.leap.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.leap.client.LeapClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.env.MockEnvironment;

/**
 * The startup banner only says that demo orders are published when the demo publisher is on.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupInfoTests {

    @Test
    void bannerSaysThePublisherIsOffWhenItIs(CapturedOutput output) {
        DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
        startupInfo(beans).printWhereToLook();
        assertThat(output)
                .contains("The demo publisher is off (sample.publisher.enabled=false)")
                .doesNotContain("Demo orders are published");
    }

    @Test
    void bannerSaysOrdersArePublishedWhenThePublisherIsOn(CapturedOutput output) {
        DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
        try (LeapClient client =
                LeapClient.builder("project_test").token("leap_token_x").build()) {
            beans.registerSingleton(
                    "demoPublisher",
                    new DemoPublisher(
                            beans.getBeanProvider(io.leap.spring.core.LeapOperations.class), client, new OrderDesk()));
            startupInfo(beans).printWhereToLook();
        }
        assertThat(output)
                .contains("Demo orders are published to channel 'orders' every few seconds through the "
                        + "client socket")
                .doesNotContain("publisher is off");
    }

    private static StartupInfo startupInfo(DefaultListableBeanFactory beans) {
        return new StartupInfo(
                new MockEnvironment(),
                beans.getBeanProvider(io.leap.spring.autoconfigure.LeapConnectionDetails.class),
                beans.getBeanProvider(io.leap.spring.core.LeapOperations.class),
                beans.getBeanProvider(DemoPublisher.class));
    }
}
