package io.leap.spring.autoconfigure;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslOptions;

/**
 * TLS and proxy settings of one Leap connection (the WebSocket transport or the REST API client), resolved from
 * {@link LeapSslSettings} / {@link LeapProxySettings} and Boot's {@link SslBundles}. A bundle name that names no
 * bundle fails with an {@link InvalidConfigurationPropertyValueException}, whose failure analysis names the property,
 * its value and origin, and the bundles that do exist.
 *
 * @param sslContext the context built from the bundle, or {@code null} for the JDK default
 * @param sslParameters the bundle's protocols and ciphers, or {@code null} when it restricts neither
 * @param proxy the HTTP proxy, or {@code null} for direct connections
 */
record TransportSecurity(
        @Nullable SSLContext sslContext,
        @Nullable SSLParameters sslParameters,
        @Nullable ProxySelector proxy) {

    static final TransportSecurity NONE = new TransportSecurity(null, null, null);

    /**
     * @param sslProperty the bundle property, e.g. {@code leap.ssl.bundle}
     * @param ssl the TLS settings
     * @param proxy the proxy settings
     * @param sslBundles Boot's bundles
     * @return the resolved settings
     */
    static TransportSecurity resolve(
            String sslProperty, LeapSslSettings ssl, LeapProxySettings proxy, ObjectProvider<SslBundles> sslBundles) {
        SSLContext context = null;
        SSLParameters parameters = null;
        String bundleName = ssl.determineBundle();
        if (bundleName != null) {
            SslBundle bundle = bundle(sslProperty, bundleName, sslBundles.getIfAvailable());
            try {
                context = bundle.createSslContext();
            } catch (RuntimeException ex) {
                throw new InvalidConfigurationPropertyValueException(
                        sslProperty,
                        bundleName,
                        "The SSL bundle '" + bundleName + "' cannot create a TLS context: " + ex.getMessage());
            }
            parameters = parameters(bundle.getOptions());
        }
        String host = proxy.determineHost();
        Integer port = proxy.getPort();
        ProxySelector selector = (host != null && port != null) ? new FixedProxySelector(host, port) : null;
        return new TransportSecurity(context, parameters, selector);
    }

    private static SslBundle bundle(String property, String name, @Nullable SslBundles sslBundles) {
        if (sslBundles == null) {
            throw new InvalidConfigurationPropertyValueException(
                    property,
                    name,
                    "There is no SslBundles bean to look the bundle up in (Spring Boot's SslAutoConfiguration did not "
                            + "run).");
        }
        try {
            return sslBundles.getBundle(name);
        } catch (NoSuchSslBundleException ex) {
            List<String> names = sslBundles.getBundleNames();
            throw new InvalidConfigurationPropertyValueException(
                    property,
                    name,
                    "There is no SSL bundle named '" + name + "'. Configure it as spring.ssl.bundle.jks." + name
                            + ".* or spring.ssl.bundle.pem." + name + ".*, or name one of the configured bundles "
                            + (names.isEmpty() ? "(there are none)" : names) + ".");
        }
    }

    private static @Nullable SSLParameters parameters(SslOptions options) {
        if (options == null || !options.isSpecified()) {
            return null;
        }
        SSLParameters parameters = new SSLParameters();
        if (options.getCiphers() != null) {
            parameters.setCipherSuites(options.getCiphers());
        }
        if (options.getEnabledProtocols() != null) {
            parameters.setProtocols(options.getEnabledProtocols());
        }
        return parameters;
    }

    boolean hasProxy() {
        return this.proxy != null;
    }

    /**
     * One HTTP proxy for every destination; the host name is resolved at each selection, so a proxy whose address
     * changes is followed.
     */
    static final class FixedProxySelector extends ProxySelector {

        private final String host;

        private final int port;

        FixedProxySelector(String host, int port) {
            this.host = host;
            this.port = port;
        }

        @Override
        public List<Proxy> select(URI uri) {
            return List.of(new Proxy(Proxy.Type.HTTP, new InetSocketAddress(this.host, this.port)));
        }

        @Override
        public void connectFailed(URI uri, SocketAddress address, IOException ex) {
            // a single proxy: nothing to fall back to
        }

        @Override
        public String toString() {
            return "HTTP proxy " + this.host + ":" + this.port;
        }
    }
}
