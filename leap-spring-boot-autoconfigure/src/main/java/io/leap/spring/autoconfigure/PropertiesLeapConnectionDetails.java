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

	private final String projectId;

	private final @Nullable String token;

	PropertiesLeapConnectionDetails(LeapProperties properties) {
		List<String> missing = new ArrayList<>();
		if (!StringUtils.hasText(properties.getProjectId())) {
			missing.add("leap.project-id");
		}
		if (!properties.isAnonymous() && !StringUtils.hasText(properties.getToken())) {
			missing.add("leap.token");
		}
		if (!missing.isEmpty()) {
			throw new LeapCredentialsMissingException(missing);
		}
		this.url = properties.getUrl();
		this.projectId = properties.getProjectId().strip();
		this.token = StringUtils.hasText(properties.getToken()) ? properties.getToken().strip() : null;
	}

	@Override
	public URI getUrl() {
		return this.url;
	}

	@Override
	public String getProjectId() {
		return this.projectId;
	}

	@Override
	public @Nullable String getToken() {
		return this.token;
	}

	@Override
	public String toString() {
		return "PropertiesLeapConnectionDetails[url=" + this.url + ", projectId=" + this.projectId + ", token="
				+ ((this.token != null) ? "******" : "none") + "]";
	}

}
