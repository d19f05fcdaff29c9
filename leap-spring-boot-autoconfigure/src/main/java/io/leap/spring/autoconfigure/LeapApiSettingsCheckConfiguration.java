package io.leap.spring.autoconfigure;

import io.leap.client.rest.LeapApi;
import java.util.Arrays;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Fails startup when {@code leap.api.ssl.bundle} or {@code leap.api.proxy.host} is set but only the application's own
 * {@link LeapApi} exists: the settings would otherwise do nothing.
 */
@Configuration(proxyBeanMethods = false)
class LeapApiSettingsCheckConfiguration {

    @Bean
    static SmartInitializingSingleton leapApiSettingsCheck(
            ConfigurableListableBeanFactory beanFactory, ObjectProvider<LeapApiProperties> properties) {
        return () -> properties.ifAvailable((api) -> {
            String[] names = beanFactory.getBeanNamesForType(LeapApi.class, false, false);
            if (names.length == 0 || Arrays.asList(names).contains(LeapTemplateAutoConfiguration.API_BEAN_NAME)) {
                return;
            }
            String bundle = api.getSsl().determineBundle();
            String property = (bundle != null) ? "leap.api.ssl.bundle" : "leap.api.proxy.host";
            String value = (bundle != null) ? bundle : api.getProxy().determineHost();
            if (value != null) {
                throw new InvalidConfigurationPropertyValueException(
                        property,
                        value,
                        "The application's own LeapApi bean " + Arrays.toString(names) + " is used, and the "
                                + "auto-configuration does not configure it from leap.api.ssl.* or leap.api.proxy.*. "
                                + "Configure TLS and the proxy on its builder (sslContext, sslParameters, proxy), or "
                                + "remove it and let the auto-configuration build it (a LeapApiCustomizer can adjust "
                                + "that one).");
            }
        });
    }
}
