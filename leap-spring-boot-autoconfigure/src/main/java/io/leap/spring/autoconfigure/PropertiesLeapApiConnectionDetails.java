package io.leap.spring.autoconfigure;

import java.net.URI;
import org.jspecify.annotations.Nullable;
import org.springframework.util.StringUtils;

/**
 * Adapts {@link LeapApiProperties} to {@link LeapApiConnectionDetails}. With a personal access or bearer token and no
 * {@code leap.api.project-id}, the socket client's {@code leap.project-id} is used; a project token implies its
 * project, so none is sent unless {@code leap.api.project-id} is set.
 */
final class PropertiesLeapApiConnectionDetails implements LeapApiConnectionDetails {

    private final URI url;

    private final String token;

    private final @Nullable String projectId;

    PropertiesLeapApiConnectionDetails(LeapApiProperties properties, @Nullable String fallbackProjectId) {
        String token = properties.getToken();
        if (!StringUtils.hasText(token)) {
            throw new IllegalStateException("leap.api.token is missing or blank");
        }
        this.token = token.strip();
        this.url = properties.getUrl();
        if (StringUtils.hasText(properties.getProjectId())) {
            this.projectId = properties.getProjectId().strip();
        } else if (!this.token.startsWith("ptk_") && StringUtils.hasText(fallbackProjectId)) {
            this.projectId = fallbackProjectId.strip();
        } else {
            this.projectId = null;
        }
    }

    @Override
    public URI getUrl() {
        return this.url;
    }

    @Override
    public String getToken() {
        return this.token;
    }

    @Override
    public @Nullable String getProjectId() {
        return this.projectId;
    }

    @Override
    public String toString() {
        return "PropertiesLeapApiConnectionDetails[url=" + this.url + ", projectId=" + this.projectId
                + ", token=******]";
    }
}
