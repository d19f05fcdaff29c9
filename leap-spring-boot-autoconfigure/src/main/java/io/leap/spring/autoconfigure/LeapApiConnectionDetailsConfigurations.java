package io.leap.spring.autoconfigure;

import io.leap.server.LeapServer;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The sources of {@link LeapApiConnectionDetails}, imported in order by {@link LeapTemplateAutoConfiguration} (kept out
 * of it so that the import order, not the member-class order, decides which one wins).
 */
abstract class LeapApiConnectionDetailsConfigurations {

	private LeapApiConnectionDetailsConfigurations() {
	}

	/**
	 * Embedded mode: the REST API of the embedded {@link LeapServer}. Registered before the properties-backed details,
	 * which then back off.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.leap.server.LeapServer")
	@ConditionalOnBooleanProperty(name = "leap.embedded.enabled")
	@ConditionalOnBean(type = "io.leap.server.LeapServer")
	static class EmbeddedServer {

		@Bean
		@ConditionalOnMissingBean(LeapApiConnectionDetails.class)
		LeapServerApiConnectionDetails embeddedLeapApiConnectionDetails(LeapServer server) {
			return new LeapServerApiConnectionDetails(server);
		}

	}

	/**
	 * The {@code leap.api.*} properties, when {@code leap.api.token} is set.
	 */
	@Configuration(proxyBeanMethods = false)
	@Conditional(OnLeapApiTokenCondition.class)
	static class FromProperties {

		@Bean
		@ConditionalOnMissingBean(LeapApiConnectionDetails.class)
		PropertiesLeapApiConnectionDetails leapApiConnectionDetails(LeapApiProperties properties,
				Environment environment) {
			return new PropertiesLeapApiConnectionDetails(properties, environment.getProperty("leap.project-id"));
		}

	}

}
