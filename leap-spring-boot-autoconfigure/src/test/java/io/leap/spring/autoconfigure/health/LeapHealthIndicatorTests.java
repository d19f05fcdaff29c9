package io.leap.spring.autoconfigure.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.leap.client.LeapAuthenticationException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class LeapHealthIndicatorTests {

    @Test
    void describeMasksTokens() {
        String text = LeapHealthIndicator.describe(
                new IOException("failed for leap_token_abc123XYZ and ptk_secret-9 and Bearer pat_zz.yy"));
        assertThat(text)
                .startsWith("IOException: failed for leap_token_***")
                .doesNotContain("abc123XYZ")
                .doesNotContain("secret-9")
                .doesNotContain("zz.yy");
    }

    @Test
    void describeKeepsTypeAndMessage() {
        assertThat(LeapHealthIndicator.describe(new LeapAuthenticationException("Invalid auth")))
                .isEqualTo("LeapAuthenticationException: Connection closed with code 4001 (Invalid auth)");
        assertThat(LeapHealthIndicator.describe(new IllegalStateException())).isEqualTo("IllegalStateException");
    }
}
