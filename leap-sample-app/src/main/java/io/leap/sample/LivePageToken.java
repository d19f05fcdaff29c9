package io.leap.sample;

import io.leap.spring.core.LeapOperations;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The Leap token handed to the live page. It is a Leap token ({@code leap_token_...}), which is a socket credential
 * only: it cannot call the Channels REST API. It is created through the REST API on first use with the state
 * {@code {"role":"live-page"}} and subscribed to the private {@link OrdersChannel orders} channel, so it reads that
 * channel and no other private one. The project token stays in the application. Every page shares this one token
 * (one session, protocol spec §1); it is deleted when the application stops.
 *
 * <p>The token is a credential: it is never logged, and this class has no {@code toString()} that shows it.
 */
@Component
public class LivePageToken implements DisposableBean {

    private static final Logger logger = LoggerFactory.getLogger(LivePageToken.class);

    private final ObjectProvider<LeapOperations> leap;

    private @Nullable String token;

    public LivePageToken(ObjectProvider<LeapOperations> leap) {
        this.leap = leap;
    }

    /**
     * The page's token, created and subscribed to {@code orders} on the first call.
     * @return the token
     * @throws IllegalStateException if there is no {@link LeapOperations} to create it with
     */
    public synchronized String get() {
        if (this.token == null) {
            LeapOperations leap = this.leap.getIfAvailable();
            if (leap == null) {
                throw new IllegalStateException(
                        "The live page needs LeapTemplate to create its token: run embedded or set leap.api.token");
            }
            String created = leap.createToken(Map.of("role", "live-page")).id();
            leap.subscribeToken(OrdersChannel.ID, created);
            this.token = created;
            logger.info("Created the live page's Leap token, subscribed to '{}'", OrdersChannel.ID);
        }
        return this.token;
    }

    /**
     * Whether a token is the page's.
     * @param candidate a token, may be {@code null}
     * @return {@code true} if it is the page's token
     */
    public synchronized boolean matches(@Nullable String candidate) {
        return this.token != null && this.token.equals(candidate);
    }

    @Override
    public synchronized void destroy() {
        LeapOperations leap = this.leap.getIfAvailable();
        if (this.token != null && leap != null) {
            try {
                leap.deleteToken(this.token);
            } catch (RuntimeException ex) {
                logger.debug("Could not delete the live page's token: {}", ex.getMessage());
            }
            this.token = null;
        }
    }
}
