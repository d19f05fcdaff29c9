package io.leap.spring.autoconfigure;

import org.jspecify.annotations.Nullable;
import org.springframework.util.StringUtils;
import org.springframework.validation.Errors;

/**
 * TLS settings of a Leap connection: the name of a Spring Boot SSL bundle ({@code spring.ssl.bundle.jks.<name>} or
 * {@code spring.ssl.bundle.pem.<name>}). Bound under {@code leap.ssl} for the WebSocket transport and under
 * {@code leap.api.ssl} for the Channels REST API client.
 *
 * <p>The bundle's trust material decides which servers are trusted, its key material (if any) is presented as a client
 * certificate, and its {@code options.enabled-protocols} / {@code options.ciphers} restrict the handshake. Host names are
 * always verified. Without a bundle the JDK's default trust store is used.
 */
public class LeapSslSettings {

    /**
     * Name of the SSL bundle ("spring.ssl.bundle.jks.<name>" or "spring.ssl.bundle.pem.<name>") used for TLS
     * connections. When not set the JDK's default trust store is used.
     */
    private @Nullable String bundle;

    public @Nullable String getBundle() {
        return this.bundle;
    }

    public void setBundle(@Nullable String bundle) {
        this.bundle = bundle;
    }

    /**
     * The bundle name without surrounding white space.
     * @return the name, or {@code null} when none is set
     */
    @Nullable
    String determineBundle() {
        return StringUtils.hasText(this.bundle) ? this.bundle.strip() : null;
    }

    void validate(Errors errors, String field) {
        if (this.bundle != null && !StringUtils.hasText(this.bundle)) {
            errors.rejectValue(
                    field + ".bundle",
                    "leap.blank",
                    "must name an SSL bundle (spring.ssl.bundle.jks.<name> or spring.ssl.bundle.pem.<name>) "
                            + "or be left unset");
        }
    }

    @Override
    public String toString() {
        return "LeapSslSettings[bundle=" + this.bundle + "]";
    }
}
