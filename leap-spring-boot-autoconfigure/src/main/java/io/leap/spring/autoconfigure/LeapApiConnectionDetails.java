package io.leap.spring.autoconfigure;

import java.net.URI;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;

/**
 * Where and with which credential the Channels REST API client ({@code LeapApi}, behind {@code LeapTemplate})
 * connects. The auto-configured {@code LeapApi} is built from this bean, and only exists when there is one.
 *
 * <p>By default it is backed by {@code leap.api.token}, {@code leap.api.url} and {@code leap.api.project-id}, and only
 * defined when {@code leap.api.token} is set. In embedded mode ({@code leap.embedded.enabled=true}) a bean pointing at
 * the embedded server is defined instead. Define your own bean and both back off.
 */
public interface LeapApiConnectionDetails extends ConnectionDetails {

    /**
     * Origin of the Channels REST API, without {@code /v1}, for example {@code https://api.hop.io}.
     * @return the origin
     */
    URI getUrl();

    /**
     * Credential: a project token ({@code ptk_...}), personal access token ({@code pat_...}) or bearer token
     * ({@code bearer_...}).
     * @return the credential, never blank
     */
    String getToken();

    /**
     * Project id sent as {@code project=<id>} with every request; needed with a personal access or bearer token.
     * @return the project id, or {@code null} to send none
     */
    default @Nullable String getProjectId() {
        return null;
    }
}
