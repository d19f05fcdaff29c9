package io.leap.spring.transport;

import java.security.KeyManagementException;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * An {@link SSLContext} whose engines have the given protocols and cipher suites enabled. JSR-356 clients take only an
 * {@code SSLContext} ({@code ClientEndpointConfig#getSSLContext()}) and create their engines from it, so this is how
 * protocol and cipher restrictions reach them. Everything else is delegated to the wrapped, initialised context.
 */
final class ParameterizedSslContext extends SSLContext {

    ParameterizedSslContext(SSLContext delegate, SSLParameters parameters) {
        super(new Spi(delegate, parameters), delegate.getProvider(), delegate.getProtocol());
    }

    private static final class Spi extends SSLContextSpi {

        private final SSLContext delegate;

        private final String[] protocols;

        private final String[] cipherSuites;

        Spi(SSLContext delegate, SSLParameters parameters) {
            this.delegate = delegate;
            this.protocols = parameters.getProtocols();
            this.cipherSuites = parameters.getCipherSuites();
        }

        private SSLEngine restrict(SSLEngine engine) {
            if (this.protocols != null) {
                engine.setEnabledProtocols(this.protocols);
            }
            if (this.cipherSuites != null) {
                engine.setEnabledCipherSuites(this.cipherSuites);
            }
            return engine;
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
            throw new KeyManagementException("Already initialised");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return this.delegate.getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return this.delegate.getServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return restrict(this.delegate.createSSLEngine());
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return restrict(this.delegate.createSSLEngine(host, port));
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return this.delegate.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return this.delegate.getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            SSLParameters parameters = this.delegate.getDefaultSSLParameters();
            if (this.protocols != null) {
                parameters.setProtocols(this.protocols);
            }
            if (this.cipherSuites != null) {
                parameters.setCipherSuites(this.cipherSuites);
            }
            return parameters;
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return this.delegate.getSupportedSSLParameters();
        }
    }
}
