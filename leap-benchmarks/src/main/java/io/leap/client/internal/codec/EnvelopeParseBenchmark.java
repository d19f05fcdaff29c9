package io.leap.client.internal.codec;

import io.leap.benchmarks.jmh.BenchFrames;
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
import tools.jackson.databind.json.JsonMapper;

/**
 * Envelope parse of one MESSAGE dispatch: the client's scanner (bytes and chars), the Jackson streaming path it falls
 * back to (what the client did before), and Jackson {@code readTree} (what a hand-written client does).
 *
 * <pre>
 * ./mvnw -q -pl leap-benchmarks exec:exec@jmh -Djmh.args="-prof gc -f 1 -wi 3 -i 5 EnvelopeParse"
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EnvelopeParseBenchmark {

    private final JsonMapper mapper = JsonMapper.builder().build();

    private EnvelopeParser parser;

    private byte[] bytes;

    private char[] chars;

    @Setup
    public void setup() {
        this.parser = new EnvelopeParser(this.mapper.tokenStreamFactory());
        String json = BenchFrames.messageJson();
        this.bytes = json.getBytes(StandardCharsets.UTF_8);
        this.chars = json.toCharArray();
    }

    @Benchmark
    public Envelope scannerBytes() {
        return this.parser.parse(this.bytes, 0, this.bytes.length);
    }

    @Benchmark
    public Envelope scannerChars() {
        return this.parser.parse(this.chars, 0, this.chars.length);
    }

    @Benchmark
    public Envelope jacksonStreamingBytes() {
        return this.parser.parseWithJackson(this.bytes, 0, this.bytes.length);
    }

    @Benchmark
    public Envelope jacksonStreamingChars() {
        return this.parser.parseWithJackson(this.chars, 0, this.chars.length);
    }

    @Benchmark
    public JsonNode readTreeBytes() {
        return this.mapper.readTree(this.bytes);
    }
}
