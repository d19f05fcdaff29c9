package io.leap.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactionTests {

    @Test
    void redactsEveryKindOfSecretAndKeepsTheKind() {
        assertThat(Redaction.redactText("a leap_token_abc1 b ptk_x c pat_y d bearer_z"))
                .isEqualTo("a leap_token_*** b ptk_*** c pat_*** d bearer_***");
    }

    @Test
    void findsSecretsGluedByUnderscoresOrPunctuationButNotInsideWords() {
        assertThat(Redaction.redactText("bad_leap_token_abc,\"ptk_q\"/x?pat_1&"))
                .isEqualTo("bad_leap_token_***,\"ptk_***\"/x?pat_***&");
        assertThat(Redaction.redactText("compat_mode sleap_token_x")).isEqualTo("compat_mode sleap_token_x");
    }

    @Test
    void redactsGivenSecretsOfAnyShape() {
        assertThat(Redaction.redactText("token t-123 refused", "t-123")).isEqualTo("token *** refused");
        assertThat(Redaction.redactSecret("leap_token_abc")).isEqualTo("leap_token_***");
        assertThat(Redaction.redactSecret("opaque")).isEqualTo("***");
        assertThat(Redaction.redactText(null)).isNull();
    }

    @Test
    void redactsHttpCredentialsAfterTheirScheme() {
        assertThat(Redaction.redactText("Authorization: Bearer eyJ.abc-1 refused"))
                .isEqualTo("Authorization: Bearer *** refused");
        assertThat(Redaction.redactText("bearer opaque-Value and Bearer pat_zz.yy"))
                .isEqualTo("bearer *** and Bearer ***");
    }

    @Test
    void isIdempotent() {
        String once = Redaction.redactText("x ptk_abc y");
        assertThat(Redaction.redactText(once)).isEqualTo(once);
    }
}
