package io.leap.spring.autoconfigure;

import io.leap.client.transport.JdkWebSocketTransport;
import io.leap.client.transport.WebSocketTransport;
import io.leap.spring.transport.SpringWebSocketTransport;
import io.leap.transport.netty.NettyWebSocketTransport;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.ClassUtils;

/**
 * The WebSocket transport of the auto-configured client, chosen by {@code leap.transport.type} (see
 * {@link LeapTransportType}), with the TLS settings of {@code leap.ssl.bundle} and the HTTP proxy of
 * {@code leap.proxy.*} applied. Exactly one of the nested configurations matches; each backs off when the application
 * defines its own {@link WebSocketTransport}, which then gets neither setting.
 */
final class LeapTransportConfigurations {

    static final String TRANSPORT_TYPE_PROPERTY = "leap.transport.type";

    static final String SSL_BUNDLE_PROPERTY = "leap.ssl.bundle";

    static final String PROXY_HOST_PROPERTY = "leap.proxy.host";

    static final String NETTY_TRANSPORT_CLASS = "io.leap.transport.netty.NettyWebSocketTransport";

    /** Bean names of the transports defined here. */
    static final Set<String> AUTO_CONFIGURED_TRANSPORTS =
            Set.of("leapJdkWebSocketTransport", "leapNettyWebSocketTransport", "leapWebSocketTransport");

    private LeapTransportConfigurations() {}

    static TransportSecurity security(LeapProperties properties, ObjectProvider<SslBundles> sslBundles) {
        return TransportSecurity.resolve(SSL_BUNDLE_PROPERTY, properties.getSsl(), properties.getProxy(), sslBundles);
    }

    /** The client's own {@code java.net.http} transport. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnLeapTransport(LeapTransportType.JDK)
    static class JdkTransportConfiguration {

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean(WebSocketTransport.class)
        JdkWebSocketTransport leapJdkWebSocketTransport(
                LeapProperties properties, ObjectProvider<SslBundles> sslBundles) {
            TransportSecurity security = security(properties, sslBundles);
            if (security.equals(TransportSecurity.NONE)) {
                return new JdkWebSocketTransport();
            }
            JdkWebSocketTransport.Builder builder = JdkWebSocketTransport.builder();
            if (security.sslContext() != null) {
                builder.sslContext(security.sslContext());
            }
            if (security.sslParameters() != null) {
                builder.sslParameters(security.sslParameters());
            }
            if (security.proxy() != null) {
                builder.proxy(security.proxy());
            }
            return builder.build();
        }
    }

    /** The Netty transport of {@code io.leap:leap-transport-netty}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnLeapTransport(LeapTransportType.NETTY)
    static class NettyTransportConfiguration {

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean(WebSocketTransport.class)
        NettyWebSocketTransport leapNettyWebSocketTransport(
                LeapProperties properties, ObjectProvider<SslBundles> sslBundles) {
            TransportSecurity security = security(properties, sslBundles);
            NettyWebSocketTransport.Builder builder = NettyWebSocketTransport.builder();
            if (security.sslContext() != null) {
                builder.sslContext(security.sslContext());
            }
            if (security.sslParameters() != null) {
                builder.sslParameters(security.sslParameters());
            }
            if (security.proxy() != null) {
                builder.proxy(security.proxy());
            }
            return builder.build();
        }
    }

    /** Spring's {@code StandardWebSocketClient} on a JSR-356 container of its own. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnLeapTransport(LeapTransportType.SPRING)
    static class SpringTransportConfiguration {

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean(WebSocketTransport.class)
        SpringWebSocketTransport leapWebSocketTransport(
                LeapProperties properties, ObjectProvider<SslBundles> sslBundles) {
            if (properties.getProxy().isConfigured()) {
                throw new InvalidConfigurationPropertyValueException(
                        PROXY_HOST_PROPERTY,
                        properties.getProxy().determineHost(),
                        "The Spring WebSocket transport cannot use a proxy of its own: its JSR-356 client (Tomcat's) "
                                + "only follows the JVM-wide ProxySelector.getDefault(). Use the JDK transport "
                                + "(leap.transport.type=jdk) or the Netty transport (leap.transport.type=netty, with "
                                + "io.leap:leap-transport-netty), which both honour leap.proxy.*, or remove "
                                + "leap.proxy.host.");
            }
            TransportSecurity security = security(properties, sslBundles);
            int bufferSize = (int) Math.min(
                    Integer.MAX_VALUE, properties.getTransport().getBufferSize().toBytes());
            return SpringWebSocketTransport.createDefault(bufferSize, security.sslContext(), security.sslParameters());
        }
    }

    /** {@code leap.transport.type} names a transport whose classes are missing: fail with what to add. */
    @Configuration(proxyBeanMethods = false)
    @Conditional(OnUnavailableLeapTransportCondition.class)
    static class UnavailableTransportConfiguration {

        @Bean
        @ConditionalOnMissingBean(WebSocketTransport.class)
        WebSocketTransport leapUnavailableWebSocketTransport(LeapProperties properties) {
            LeapTransportType type = properties.getTransport().getType();
            String needs = (type == LeapTransportType.NETTY)
                    ? "io.leap:leap-transport-netty"
                    : "org.springframework:spring-websocket and a JSR-356 client such as "
                            + "org.apache.tomcat.embed:tomcat-embed-websocket";
            throw new InvalidConfigurationPropertyValueException(
                    TRANSPORT_TYPE_PROPERTY,
                    type.name().toLowerCase(java.util.Locale.ROOT),
                    "This transport needs " + needs + " on the classpath. Add it, or set leap.transport.type=auto "
                            + "or jdk.");
        }
    }

    /**
     * Fails startup when {@code leap.ssl.bundle} or {@code leap.proxy.host} is set but the application's own
     * {@link WebSocketTransport} is used: the settings would otherwise do nothing.
     */
    @Configuration(proxyBeanMethods = false)
    static class TransportSettingsCheckConfiguration {

        @Bean
        static SmartInitializingSingleton leapTransportSettingsCheck(
                ConfigurableListableBeanFactory beanFactory, ObjectProvider<LeapProperties> properties) {
            return () -> properties.ifAvailable((leap) -> {
                String[] names = beanFactory.getBeanNamesForType(WebSocketTransport.class, false, false);
                if (names.length == 0 || Arrays.stream(names).anyMatch(AUTO_CONFIGURED_TRANSPORTS::contains)) {
                    return;
                }
                String bundle = leap.getSsl().determineBundle();
                String property = (bundle != null) ? SSL_BUNDLE_PROPERTY : PROXY_HOST_PROPERTY;
                String value = (bundle != null) ? bundle : leap.getProxy().determineHost();
                if (value != null) {
                    throw new InvalidConfigurationPropertyValueException(
                            property,
                            value,
                            "The application's own WebSocketTransport bean " + Arrays.toString(names)
                                    + " is used, and the auto-configuration does not configure it from leap.ssl.* or "
                                    + "leap.proxy.*. Configure TLS and the proxy on that bean (its builder has "
                                    + "sslContext, sslParameters and proxy options), or remove it and let "
                                    + "leap.transport.type choose the transport.");
                }
            });
        }
    }

    /** Matches when {@code leap.transport.type} (and the classpath) choose the annotated transport. */
    @Target({ElementType.TYPE, ElementType.METHOD})
    @Retention(RetentionPolicy.RUNTIME)
    @Documented
    @Conditional(OnLeapTransportCondition.class)
    @interface ConditionalOnLeapTransport {

        LeapTransportType value();
    }

    /**
     * The transport the configuration and classpath choose, or {@code null} when {@code leap.transport.type} names
     * one that is not available.
     */
    static @Nullable LeapTransportType select(ConditionContext context) {
        LeapTransportType configured = Binder.get(context.getEnvironment())
                .bind(TRANSPORT_TYPE_PROPERTY, LeapTransportType.class)
                .orElse(LeapTransportType.AUTO);
        ClassLoader classLoader = context.getClassLoader();
        return switch (configured) {
            case AUTO -> springAvailable(classLoader) ? LeapTransportType.SPRING : LeapTransportType.JDK;
            case JDK -> LeapTransportType.JDK;
            case NETTY -> ClassUtils.isPresent(NETTY_TRANSPORT_CLASS, classLoader) ? LeapTransportType.NETTY : null;
            case SPRING -> springAvailable(classLoader) ? LeapTransportType.SPRING : null;
        };
    }

    static boolean springAvailable(@Nullable ClassLoader classLoader) {
        return ClassUtils.isPresent(
                        "org.springframework.web.socket.client.standard.StandardWebSocketClient", classLoader)
                && ClassUtils.isPresent("jakarta.websocket.ContainerProvider", classLoader)
                && classLoader != null
                && classLoader.getResource(OnWebSocketContainerCondition.SERVICE_RESOURCE) != null;
    }

    static final class OnLeapTransportCondition extends SpringBootCondition {

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            Map<String, Object> attributes =
                    metadata.getAnnotationAttributes(ConditionalOnLeapTransport.class.getName());
            Object wanted = (attributes != null) ? attributes.get("value") : null;
            LeapTransportType selected = select(context);
            if (selected != null && selected.equals(wanted)) {
                return ConditionOutcome.match(
                        "leap.transport.type and the classpath select the " + selected + " WebSocket transport");
            }
            return ConditionOutcome.noMatch("the " + wanted + " WebSocket transport is not selected (selected: "
                    + ((selected != null) ? selected : "none available") + ")");
        }
    }

    static final class OnUnavailableLeapTransportCondition extends SpringBootCondition {

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return (select(context) == null)
                    ? ConditionOutcome.match("leap.transport.type names a WebSocket transport that is not available")
                    : ConditionOutcome.noMatch("the WebSocket transport of leap.transport.type is available");
        }
    }
}
