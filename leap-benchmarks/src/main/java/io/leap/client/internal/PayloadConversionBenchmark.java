package io.leap.client.internal;

import io.leap.benchmarks.jmh.BenchFrames;
import io.leap.benchmarks.load.Payloads.Tick;
import io.leap.client.LeapMessage;
import io.leap.client.internal.codec.RawJson;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Payload conversion of a message's raw data: to a record ({@code data(Tick.class)}, or {@code data(reader)} with a
 * kept {@code ObjectReader}), to a tree ({@code data()}) and
 * as text ({@code rawData()}), each on a fresh message (nothing cached). {@code baselineTreeToRecord} is what a
 * hand-written client does after {@code readTree}: {@code treeToValue} of the {@code d.d} node.
 *
 * <pre>
 * ./mvnw -q -pl leap-benchmarks exec:exec@jmh -Djmh.args="-prof gc -f 1 -wi 3 -i 5 PayloadConversion"
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PayloadConversionBenchmark {

    private final JsonMapper mapper = DefaultLeapClient.defaultMapper();

    private RawJson raw;

    private JsonNode dataNode;

    private final ObjectReader tickReader = this.mapper.readerFor(Tick.class);

    @Setup
    public void setup() {
        byte[] data = BenchFrames.dataJson().getBytes(StandardCharsets.UTF_8);
        this.raw = RawJson.of(data, 0, data.length);
        this.dataNode = this.mapper.readTree(data);
    }

    private LeapMessage message() {
        return new DefaultLeapMessage(this.mapper, "bench", "price.updated", false, false, "cid", this.raw);
    }

    @Benchmark
    public Tick toRecord() {
        return message().data(Tick.class);
    }

    /** With a reader kept and reused, as the {@code @LeapListener} payload resolver does. */
    @Benchmark
    public Tick toRecordWithReader() {
        return message().data(this.tickReader);
    }

    @Benchmark
    public JsonNode toTree() {
        return message().data();
    }

    @Benchmark
    public String rawText() {
        return message().rawData();
    }

    @Benchmark
    public Tick baselineTreeToRecord() {
        return this.mapper.treeToValue(this.dataNode, Tick.class);
    }
}
