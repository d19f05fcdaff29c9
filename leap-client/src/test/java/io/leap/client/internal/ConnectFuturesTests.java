package io.leap.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.leap.client.InitInfo;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** {@link ConnectFutures}: which futures a new connect() gets, which a loss fails and which a close fails. */
class ConnectFuturesTests {

    private final ConnectFutures futures = new ConnectFutures();

    @Test
    void nothingBeforeTheFirstConnect() {
        assertThat(futures.init()).isNull();
        assertThat(futures.identified()).isNull();
        ConnectFutures.Taken pending = futures.pending();
        assertThat(pending.identified()).isNull();
        assertThat(pending.init()).isNull();
        // Failing nothing is a no-op.
        pending.failIdentified(new IllegalStateException());
        pending.failInit(new IllegalStateException());
    }

    @Test
    void aPendingInitFutureIsKeptAcrossConnectsAndADoneOneReplaced() {
        futures.begin();
        CompletableFuture<InitInfo> init = futures.init();
        CompletableFuture<Void> identified = futures.identified();
        futures.begin();
        assertThat(futures.init()).isSameAs(init);
        assertThat(futures.identified()).isNotSameAs(identified);
        init.complete(null);
        futures.begin();
        assertThat(futures.init()).isNotSameAs(init).isNotDone();
    }

    @Test
    void aLossFailsOnlyWhatIsPendingAndACloseFailsBoth() {
        futures.begin();
        futures.identified().complete(null);
        ConnectFutures.Taken pending = futures.pending();
        assertThat(pending.identified()).isNull();
        assertThat(pending.init()).isSameAs(futures.init());
        IllegalStateException lost = new IllegalStateException("lost");
        pending.failIdentified(lost);
        pending.failInit(lost);
        assertThat(futures.init()).isCompletedExceptionally();
        assertThat(futures.identified()).isCompleted().isNotCompletedExceptionally();

        futures.begin();
        ConnectFutures.Taken all = futures.all();
        assertThat(all.identified()).isSameAs(futures.identified());
        assertThat(all.init()).isSameAs(futures.init());
    }
}
