package io.leap.benchmarks.jmh;

import io.leap.client.LeapClient;
import io.leap.client.ReconnectPolicy;
import io.leap.client.transport.WebSocketConnection;
import io.leap.client.transport.WebSocketHandler;
import io.leap.client.transport.WebSocketTransport;
import java.net.URI;
import java.nio.CharBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Dispatch to 1 and 8 message listeners through the public API: an in-memory transport feeds MESSAGE frames to a real
 * {@link LeapClient} (decode, envelope, one hand-off into each listener's buffer, delivery on the client's delivery
 * threads); each invocation pushes {@value #BATCH} frames and waits until every listener has seen them, so the figure is
 * the end-to-end cost per message (score and {@code gc.alloc.rate.norm} are per message). The benchmark thread plays the
 * socket-reading thread; on a 2-core machine the listener threads share the cores with it.
 *
 * <pre>
 * ./mvnw -q -pl leap-benchmarks exec:exec@jmh -Djmh.args="-prof gc -f 1 -wi 3 -i 5 Dispatch"
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DispatchBenchmark {

    static final int BATCH = 1000;

    private static final char[] ACK = "{\"op\":4}".toCharArray();

    @Param({"1", "8"})
    public int listeners;

    private LeapClient client;

    private WebSocketHandler handler;

    private AtomicLong[] received;

    private long expected;

    private char[] frame;

    /** The client sent a heartbeat; the benchmark thread (the only one feeding frames) answers it. */
    private final AtomicBoolean heartbeatPending = new AtomicBoolean();

    @Setup(Level.Trial)
    public void setup() {
        this.frame = BenchFrames.messageJson().toCharArray();
        WebSocketConnection connection = new WebSocketConnection() {
            @Override
            public CompletableFuture<Void> sendText(String text) {
                if (text.equals("{\"op\":3}")) {
                    DispatchBenchmark.this.heartbeatPending.set(true);
                }
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public CompletableFuture<Void> close(int statusCode, String reason) {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void abort() {}
        };
        WebSocketTransport transport = (URI uri, WebSocketHandler h, Duration timeout) -> {
            this.handler = h;
            h.onOpen(connection);
            return CompletableFuture.completedFuture(connection);
        };
        this.client = LeapClient.builder("project_bench")
                .url(URI.create("ws://in-memory/ws?encoding=json"))
                .transport(transport)
                .reconnectPolicy(ReconnectPolicy.none())
                .build();
        this.received = new AtomicLong[this.listeners];
        for (int i = 0; i < this.listeners; i++) {
            AtomicLong counter = new AtomicLong();
            this.received[i] = counter;
            this.client.addMessageListener((message) -> {
                if (message.event() != null) {
                    counter.lazySet(counter.get() + 1);
                }
            });
        }
        CompletableFuture<?> init = this.client.connectAsync();
        push("{\"op\":1,\"d\":{\"heartbeat_interval\":600000}}".toCharArray());
        push(
                "{\"op\":0,\"d\":{\"c\":null,\"u\":true,\"e\":\"INIT\",\"d\":{\"cid\":\"c1\",\"scope\":\"project\",\"channels\":[]}}}"
                        .toCharArray());
        init.join();
    }

    private void push(char[] text) {
        CompletionStage<?> stage = this.handler.onText(CharBuffer.wrap(text), true);
        if (stage != null) {
            stage.toCompletableFuture().join();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        this.client.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void dispatch() {
        if (this.heartbeatPending.getAndSet(false)) {
            push(ACK);
        }
        for (int i = 0; i < BATCH; i++) {
            push(this.frame);
        }
        this.expected += BATCH;
        for (AtomicLong counter : this.received) {
            while (counter.get() < this.expected) {
                Thread.yield();
            }
        }
    }
}
