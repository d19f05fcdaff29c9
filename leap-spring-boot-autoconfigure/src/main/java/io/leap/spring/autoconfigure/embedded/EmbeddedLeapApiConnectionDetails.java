package io.leap.spring.autoconfigure.embedded;

import io.leap.server.LeapServer;
import io.leap.spring.autoconfigure.LeapApiConnectionDetails;
import java.net.URI;

/**
 * {@link LeapApiConnectionDetails} of the embedded {@link LeapServer}: its REST origin, project id and project token,
 * so that {@code LeapTemplate} publishes to it.
 */
final class EmbeddedLeapApiConnectionDetails implements LeapApiConnectionDetails {

    private final LeapServer server;

    EmbeddedLeapApiConnectionDetails(LeapServer server) {
        this.server = server;
    }

    @Override
    public URI getUrl() {
        return this.server.apiUrl();
    }

    @Override
    public String getToken() {
        return this.server.projectToken();
    }

    @Override
    public String getProjectId() {
        return this.server.projectId();
    }

    @Override
    public String toString() {
        return "EmbeddedLeapApiConnectionDetails[url=" + getUrl() + ", projectId=" + getProjectId() + ", token=******]";
    }
}
