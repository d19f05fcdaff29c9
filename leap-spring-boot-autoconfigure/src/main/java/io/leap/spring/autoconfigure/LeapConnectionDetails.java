package io.leap.spring.autoconfigure;

import java.net.URI;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;

/**
 * Where and as whom the Leap client connects. The auto-configured client is built from this bean only.
 *
 * <p>By default it is backed by the {@code leap.url}, {@code leap.project-id} and {@code leap.token} properties. Define
 * your own bean (or enable the embedded server with {@code leap.embedded.enabled=true}) and the properties-backed one
 * backs off.
 */
public interface LeapConnectionDetails extends ConnectionDetails {

    /**
     * Leap Edge socket URL, for example {@code wss://leap.hop.io/ws}.
     * @return the socket URL
     */
    URI getUrl();

    /**
     * Hop project id ({@code project_...}).
     * @return the project id, never blank
     */
    String getProjectId();

    /**
     * Leap token ({@code leap_token_...}) to identify with.
     * @return the token, or {@code null} for an anonymous connection
     */
    @Nullable
    String getToken();
}
