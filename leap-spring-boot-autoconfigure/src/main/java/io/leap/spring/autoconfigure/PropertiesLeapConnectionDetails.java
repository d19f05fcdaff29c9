package io.leap.spring.autoconfigure;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.util.StringUtils;

/**
 * Adapts {@link LeapProperties} to {@link LeapConnectionDetails}, validating that the credentials are present.
 */
final class PropertiesLeapConnectionDetails implements LeapConnectionDetails {

    private final URI url;

    private final @Nullable String projectId;

    private final @Nullable String token;

    private final boolean anonymous;

    /** A {@code LeapTokenProvider} bean supplies the token, so {@code leap.token} is not required. */
    private volatile boolean tokenProvided;

    PropertiesLeapConnectionDetails(LeapProperties properties) {
        this.url = properties.getUrl();
        this.projectId = StringUtils.hasText(properties.getProjectId())
                ? properties.getProjectId().strip()
                : null;
        this.token = StringUtils.hasText(properties.getToken())
                ? properties.getToken().strip()
                : null;
        this.anonymous = properties.isAnonymous();
    }

    /**
     * Fail with {@link LeapCredentialsMissingException} if the project id or (unless anonymous) the token is missing.
     * Called when the credentials are used, not on creation, so that a user-defined client does not need them.
     */
    void validate() {
        List<String> missing = new ArrayList<>();
        if (this.projectId == null) {
            missing.add("leap.project-id");
        }
        if (!this.anonymous && !this.tokenProvided && this.token == null) {
            missing.add("leap.token");
        }
        if (!missing.isEmpty()) {
            throw new LeapCredentialsMissingException(missing);
        }
    }

    /** The token comes from a {@code LeapTokenProvider} bean: {@code leap.token} is no longer required. */
    void tokenProvided() {
        this.tokenProvided = true;
    }

    @Override
    public URI getUrl() {
        return this.url;
    }

    @Override
    public String getProjectId() {
        validate();
        return this.projectId;
    }

    @Override
    public @Nullable String getToken() {
        validate();
        return this.token;
    }

    @Override
    public String toString() {
        return "PropertiesLeapConnectionDetails[url=" + this.url + ", projectId=" + this.projectId + ", token="
                + ((this.token != null) ? "******" : "none") + "]";
    }
}
