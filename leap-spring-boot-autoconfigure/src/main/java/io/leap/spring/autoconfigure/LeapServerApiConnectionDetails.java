package io.leap.spring.autoconfigure;

import java.net.URI;

import io.leap.server.LeapServer;

/**
 * {@link LeapApiConnectionDetails} of the embedded {@link LeapServer}: its REST origin and project token.
 */
final class LeapServerApiConnectionDetails implements LeapApiConnectionDetails {

	private final LeapServer server;

	LeapServerApiConnectionDetails(LeapServer server) {
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
		return "LeapServerApiConnectionDetails[url=" + getUrl() + ", projectId=" + getProjectId() + ", token=******]";
	}

}
