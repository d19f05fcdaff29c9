package io.leap.spring.it;

import java.net.URI;

import io.leap.spring.autoconfigure.LeapConnectionDetails;

/**
 * Connection details pointing at a test-managed server.
 */
record TestConnectionDetails(URI url, String projectId, String token) implements LeapConnectionDetails {

	@Override
	public URI getUrl() {
		return this.url;
	}

	@Override
	public String getProjectId() {
		return this.projectId;
	}

	@Override
	public String getToken() {
		return this.token;
	}

	@Override
	public String toString() {
		return "TestConnectionDetails[" + this.url + "]";
	}

}
