package io.leap.spring.autoconfigure.embedded;

import io.leap.server.LeapServer;
import io.leap.spring.autoconfigure.LeapConnectionDetails;
import java.net.URI;

/**
 * {@link LeapConnectionDetails} of the embedded {@link LeapServer}: its socket URL, project id and a Leap token
 * created for the application. Publishing goes through {@link EmbeddedLeapApiConnectionDetails}.
 */
final class EmbeddedLeapConnectionDetails implements LeapConnectionDetails {

    private final LeapServer server;

    private final String token;

    EmbeddedLeapConnectionDetails(LeapServer server, String token) {
        this.server = server;
        this.token = token;
    }

    @Override
    public URI getUrl() {
        return this.server.wsUrl();
    }

    @Override
    public String getProjectId() {
        return this.server.projectId();
    }

    @Override
    public String getToken() {
        return this.token;
    }

    @Override
    public String toString() {
        return "EmbeddedLeapConnectionDetails[url=" + getUrl() + ", projectId=" + getProjectId() + ", token=******]";
    }
}
