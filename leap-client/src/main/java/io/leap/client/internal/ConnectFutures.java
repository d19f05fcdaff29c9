package io.leap.client.internal;

import io.leap.client.InitInfo;
import java.util.concurrent.CompletableFuture;

/**
 * The futures of a {@code connect()} in progress: the one {@code connectAsync()} hands out copies of, completed on
 * INIT, and the one a blocking {@code connect()} with retryInitialConnect waits on, completed when any attempt sent
 * Identify. Replaced and read under the supervisor's lock; completed outside it, so that no user code runs under it.
 */
final class ConnectFutures {

    /** Futures to fail outside the lock; either may be {@code null}. */
    record Taken(CompletableFuture<Void> identified, CompletableFuture<InitInfo> init) {

        void failIdentified(Throwable error) {
            if (identified != null) {
                identified.completeExceptionally(error);
            }
        }

        void failInit(Throwable error) {
            if (init != null) {
                init.completeExceptionally(error);
            }
        }
    }

    static final Taken NONE = new Taken(null, null);

    private CompletableFuture<InitInfo> init;
    private CompletableFuture<Void> identified;

    /** A first connection starts: a new Identify future, and a new INIT future unless one is still pending. */
    void begin() {
        identified = new CompletableFuture<>();
        if (init == null || init.isDone()) {
            init = new CompletableFuture<>();
        }
    }

    /** @return the INIT future, or {@code null} before the first {@code connect()} */
    CompletableFuture<InitInfo> init() {
        return init;
    }

    /** @return the Identify future of the current {@code connect()}, or {@code null} before the first */
    CompletableFuture<Void> identified() {
        return identified;
    }

    /** @return the futures not yet completed: no attempt follows, they fail */
    Taken pending() {
        return new Taken(
                identified != null && !identified.isDone() ? identified : null,
                init != null && !init.isDone() ? init : null);
    }

    /** @return both futures, completed or not: the client closes */
    Taken all() {
        return new Taken(identified, init);
    }
}
