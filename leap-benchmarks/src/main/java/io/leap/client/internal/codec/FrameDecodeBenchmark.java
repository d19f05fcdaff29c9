package io.leap.client.internal.codec;

import io.leap.benchmarks.jmh.BenchFrames;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
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
 * Frame decode: one ~220-byte MESSAGE dispatch from the transport's buffer to an envelope with the user's data sliced
 * out raw — text (chars, as the JDK transport hands them over, and UTF-8 bytes, as a byte-level transport does) and
 * zlib (inflate + parse). The {@code baseline*} methods are the hand-written client's work for the same frame:
 * {@code readTree} of the whole frame (after inflating into a fresh array for zlib).
 *
 * <pre>
 * ./mvnw -q -pl leap-benchmarks exec:exec@jmh -Djmh.args="-prof gc -f 1 -wi 3 -i 5 FrameDecode"
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FrameDecodeBenchmark {

    private final JsonMapper mapper = JsonMapper.builder().build();

    private FrameDecoder decoder;

    private CharBuffer text;

    private ByteBuffer utf8;

    private ByteBuffer zlib;

    private String textString;

    private byte[] zlibBytes;

    private final Inflater baselineInflater = new Inflater();

    @Setup
    public void setup() {
        this.decoder = new FrameDecoder(new EnvelopeParser(this.mapper.tokenStreamFactory()), 16 * 1024 * 1024);
        this.textString = BenchFrames.messageJson();
        this.text = CharBuffer.wrap(this.textString.toCharArray());
        this.utf8 = ByteBuffer.wrap(this.textString.getBytes(StandardCharsets.UTF_8));
        this.zlibBytes = BenchFrames.zlib(this.textString);
        this.zlib = ByteBuffer.wrap(this.zlibBytes);
    }

    @Benchmark
    public Envelope textChars() {
        return this.decoder.onText(this.text.duplicate(), true);
    }

    @Benchmark
    public Envelope textUtf8() {
        return this.decoder.onTextUtf8(this.utf8.duplicate(), true);
    }

    @Benchmark
    public Envelope zlib() {
        return this.decoder.onBinary(this.zlib.duplicate(), true);
    }

    @Benchmark
    public JsonNode baselineTextReadTree() {
        return this.mapper.readTree(this.textString);
    }

    @Benchmark
    public JsonNode baselineZlibReadTree() throws DataFormatException {
        this.baselineInflater.reset();
        this.baselineInflater.setInput(this.zlibBytes);
        byte[] out = new byte[this.zlibBytes.length * 4];
        int n = this.baselineInflater.inflate(out);
        return this.mapper.readTree(java.util.Arrays.copyOf(out, n));
    }
}
