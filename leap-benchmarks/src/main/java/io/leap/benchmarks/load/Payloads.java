package io.leap.benchmarks.load;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The benchmark's message: a price tick whose MESSAGE dispatch is about 220 bytes of JSON.
 */
public final class Payloads {

    private Payloads() {}

    /**
     * @param sentNanos the send time, {@code System.nanoTime()}
     * @param seq the sequence number
     * @return the user data of one tick
     */
    public static Map<String, Object> tick(long sentNanos, long seq) {
        Map<String, Object> tick = new LinkedHashMap<>();
        tick.put("t", sentNanos);
        tick.put("seq", seq);
        tick.put("symbol", "BTC-USD");
        tick.put("price", 64012.5);
        tick.put("size", 0.25);
        tick.put("side", "buy");
        tick.put("venue", "coinbase");
        tick.put("ts", "2026-11-27T15:26:23.123Z");
        return tick;
    }

    /** The tick as a record, for the typed-conversion paths. */
    public record Tick(
            long t, long seq, String symbol, double price, double size, String side, String venue, String ts) {}
}
