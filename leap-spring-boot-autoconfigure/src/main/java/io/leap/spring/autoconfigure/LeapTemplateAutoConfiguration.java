package io.leap.spring.autoconfigure;

import io.leap.client.rest.LeapApi;
import io.leap.client.rest.RetryPolicy;
import io.leap.spring.core.LeapOperations;
import io.leap.spring.core.LeapTemplate;
import io.leap.spring.core.LeapTemplateObserver;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import tools.jackson.databind.json.JsonMapper;

/**
 * Auto-configuration of publishing: the Channels REST API client {@link LeapApi} and {@link LeapTemplate} (as
 * {@link LeapOperations}).
 *
 * <p>They exist when a {@link LeapApiConnectionDetails} bean does: defined from {@code leap.api.*} when
 * {@code leap.api.token} is set, or pointing at the embedded server in embedded mode ({@code leap.embedded.enabled=true}
 * with {@code io.leap:leap-server} present), or by the application. A user-defined {@link LeapApi} is used by the
 * auto-configured template; a user-defined {@link LeapOperations} replaces it. {@code leap.api.enabled=false} switches
 * all of it off. It does not depend on the socket client: {@code leap.enabled=false} leaves publishing in place.
 */
@AutoConfiguration(
        afterName = {
            "io.leap.spring.autoconfigure.embedded.LeapEmbeddedServerAutoConfiguration",
            "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
            "org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration"
        })
@ConditionalOnClass(LeapApi.class)
@ConditionalOnBooleanProperty(name = "leap.api.enabled", matchIfMissing = true)
@EnableConfigurationProperties(LeapApiProperties.class)
// leap.api.ssl.* and leap.api.proxy.* must not be ignored silently.
@Import(LeapApiSettingsCheckConfiguration.class)
public final class LeapTemplateAutoConfiguration {

    /** Bean name of the auto-configured REST API client. */
    public static final String API_BEAN_NAME = "leapApi";

    /** Bean name of the auto-configured template. */
    public static final String TEMPLATE_BEAN_NAME = "leapTemplate";

    @Bean(API_BEAN_NAME)
    @ConditionalOnMissingBean(LeapApi.class)
    @ConditionalOnBean(LeapApiConnectionDetails.class)
    LeapApi leapApi(
            LeapApiConnectionDetails connectionDetails,
            LeapApiProperties properties,
            ObjectProvider<JsonMapper> jsonMapper,
            ObjectProvider<SslBundles> sslBundles,
            ObjectProvider<LeapApiCustomizer> customizers) {
        LeapApi.Builder builder = createBuilder(connectionDetails, properties);
        applySecurity(builder, properties, sslBundles);
        jsonMapper.ifUnique(builder::jsonMapper);
        customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
        return builder.build();
    }

    @Bean(TEMPLATE_BEAN_NAME)
    @ConditionalOnMissingBean(LeapOperations.class)
    @ConditionalOnSingleCandidate(LeapApi.class)
    LeapTemplate leapTemplate(
            LeapApi api,
            ObjectProvider<JsonMapper> jsonMapper,
            ObjectProvider<LeapTemplateObserver> observers,
            ObjectProvider<LeapTemplateCustomizer> customizers) {
        LeapTemplate template = new LeapTemplate(api, jsonMapper.getIfUnique(JsonMapper::shared));
        List<LeapTemplateObserver> observerList = observers.orderedStream().toList();
        if (observerList.size() == 1) {
            template.setObserver(observerList.get(0));
        } else if (!observerList.isEmpty()) {
            template.setObserver(new CompositeLeapTemplateObserver(observerList));
        }
        customizers.orderedStream().forEach((customizer) -> customizer.customize(template));
        return template;
    }

    private static LeapApi.Builder createBuilder(
            LeapApiConnectionDetails connectionDetails, LeapApiProperties properties) {
        LeapApi.Builder builder;
        try {
            builder = LeapApi.builder(connectionDetails.getToken());
        } catch (IllegalArgumentException ex) {
            // The API client's message never repeats the credential, nor does the failure analysis.
            if (connectionDetails instanceof PropertiesLeapApiConnectionDetails) {
                throw new LeapInvalidSecretException(
                        "leap.api.token",
                        ex.getMessage(),
                        "Set leap.api.token to a project token (ptk_...), or to a personal access token (pat_...) "
                                + "together with leap.api.project-id. A Leap token (leap_token_...) belongs in "
                                + "leap.token.",
                        ex);
            }
            throw new IllegalStateException(
                    "Invalid Leap Channels API credential from " + connectionDetails + ": " + ex.getMessage(), ex);
        }
        try {
            builder.baseUrl(connectionDetails.getUrl())
                    .projectId(connectionDetails.getProjectId())
                    .requestTimeout(properties.getRequestTimeout())
                    .retryPolicy(retryPolicy(properties.getRetry()));
            if (properties.getConnectTimeout() != null) {
                builder.connectTimeout(properties.getConnectTimeout());
            }
            return builder;
        } catch (IllegalArgumentException ex) {
            // The API client's messages never repeat the credential, nor does the details' toString().
            throw new IllegalStateException(
                    "Invalid Leap Channels API configuration (" + connectionDetails + "): " + ex.getMessage(), ex);
        }
    }

    /** {@code leap.api.ssl.bundle} and {@code leap.api.proxy.*}, independent of the socket's settings. */
    static void applySecurity(
            LeapApi.Builder builder, LeapApiProperties properties, ObjectProvider<SslBundles> sslBundles) {
        TransportSecurity security = TransportSecurity.resolve(
                "leap.api.ssl.bundle", properties.getSsl(), properties.getProxy(), sslBundles);
        if (security.sslContext() != null) {
            builder.sslContext(security.sslContext());
        }
        if (security.sslParameters() != null) {
            builder.sslParameters(security.sslParameters());
        }
        if (security.proxy() != null) {
            builder.proxy(security.proxy());
        }
    }

    static RetryPolicy retryPolicy(LeapApiProperties.Retry retry) {
        if (!retry.isEnabled() || retry.getMaxRetries() == 0) {
            return RetryPolicy.none();
        }
        return RetryPolicy.exponential(retry.getMaxRetries(), retry.getInitialBackoff(), retry.getMaxBackoff())
                .withMaxRetryAfter(retry.getMaxRetryAfter());
    }

    /**
     * The {@code leap.api.*} properties, when {@code leap.api.token} is set. As a member class it is processed before
     * the bean methods of the outer class, so {@code leapApi} sees it. The embedded server's details (registered by
     * the embedded auto-configuration, which runs first) or the application's win.
     */
    @Configuration(proxyBeanMethods = false)
    @Conditional(OnLeapApiTokenCondition.class)
    static class PropertiesConnectionDetailsConfiguration {

        @Bean
        @ConditionalOnMissingBean(LeapApiConnectionDetails.class)
        PropertiesLeapApiConnectionDetails leapApiConnectionDetails(
                LeapApiProperties properties, Environment environment) {
            return new PropertiesLeapApiConnectionDetails(properties, environment.getProperty("leap.project-id"));
        }
    }
}
