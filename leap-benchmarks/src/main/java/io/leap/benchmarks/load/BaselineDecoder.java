package io.leap.benchmarks.load;

import java.io.ByteArrayOutputStream;
import java.util.function.Consumer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What both hand-written baseline clients do with a frame, as a developer without a Leap library would write it:
 * inflate a binary frame with a reused {@link Inflater}, {@code readTree} the whole payload, answer Hello with
 * Identify, and count MESSAGE dispatches. One instance per connection; not thread-safe.
 */
final class BaselineDecoder {

    private final JsonMapper mapper = JsonMapper.builder().build();

    private final Inflater inflater = new Inflater();

    private final byte[] inflated = new byte[64 * 1024];

    private final String identify;

    private final Recorder recorder;

    BaselineDecoder(String projectId, Recorder recorder) {
        this.identify = "{\"op\":2,\"d\":{\"project_id\":\"" + projectId + "\"}}";
        this.recorder = recorder;
    }

    void text(String text, Consumer<String> send) {
        handle(this.mapper.readTree(text), send);
    }

    void binary(byte[] compressed, Consumer<String> send) {
        handle(this.mapper.readTree(inflate(compressed)), send);
    }

    private byte[] inflate(byte[] compressed) {
        this.inflater.reset();
        this.inflater.setInput(compressed);
        ByteArrayOutputStream out = new ByteArrayOutputStream(compressed.length * 3);
        try {
            while (!this.inflater.finished()) {
                int n = this.inflater.inflate(this.inflated);
                if (n == 0 && (this.inflater.needsInput() || this.inflater.needsDictionary())) {
                    break;
                }
                out.write(this.inflated, 0, n);
            }
        } catch (DataFormatException ex) {
            throw new IllegalStateException(ex);
        }
        return out.toByteArray();
    }

    private void handle(JsonNode payload, Consumer<String> send) {
        int op = payload.path("op").asInt(-1);
        if (op == 1) {
            send.accept(this.identify);
        } else if (op == 0) {
            JsonNode dispatch = payload.path("d");
            if ("MESSAGE".equals(dispatch.path("e").asString(""))) {
                // What a user's handler reads: the channel, the event and the data (already a tree here).
                String channel = dispatch.path("c").asString(null);
                JsonNode message = dispatch.path("d");
                String event = message.path("e").asString(null);
                JsonNode data = message.path("d");
                if (channel != null && event != null) {
                    this.recorder.message(data.path("t").asLong());
                }
            }
        }
    }
}
