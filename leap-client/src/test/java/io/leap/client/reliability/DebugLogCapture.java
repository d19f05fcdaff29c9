package io.leap.client.reliability;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the given SLF4J loggers up to TRACE and captures everything written to {@code System.err} and
 * {@code System.out} (where slf4j-simple writes) until closed. slf4j-simple fixes a logger's level when the logger is
 * created, so the level field is set directly (test classpath only); the original levels and streams are restored.
 */
final class DebugLogCapture implements AutoCloseable {
    private static final int TRACE = 0;

    private final Map<Logger, Integer> previousLevels = new LinkedHashMap<>();
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private final PrintStream originalErr = System.err;
    private final PrintStream originalOut = System.out;

    DebugLogCapture(String... loggerNames) {
        for (String name : loggerNames) {
            Logger logger = LoggerFactory.getLogger(name);
            Field level = levelField(logger);
            try {
                previousLevels.put(logger, level.getInt(logger));
                level.setInt(logger, TRACE);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
            if (!logger.isTraceEnabled()) {
                throw new IllegalStateException("could not enable TRACE on " + name);
            }
        }
        System.setErr(new PrintStream(new Tee(originalErr), true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(new Tee(originalOut), true, StandardCharsets.UTF_8));
    }

    private static Field levelField(Logger logger) {
        for (Class<?> c = logger.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField("currentLogLevel");
                f.setAccessible(true);
                return f;
            } catch (NoSuchFieldException e) {
                // try the superclass
            }
        }
        throw new IllegalStateException("not an slf4j-simple logger: " + logger.getClass());
    }

    String text() {
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        System.setErr(originalErr);
        System.setOut(originalOut);
        previousLevels.forEach((logger, level) -> {
            try {
                levelField(logger).setInt(logger, level);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private final class Tee extends OutputStream {
        private final OutputStream original;

        Tee(OutputStream original) {
            this.original = original;
        }

        @Override
        public void write(int b) {
            synchronized (captured) {
                captured.write(b);
            }
            try {
                original.write(b);
            } catch (java.io.IOException e) {
                // ignore
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            synchronized (captured) {
                captured.write(b, off, len);
            }
            try {
                original.write(b, off, len);
            } catch (java.io.IOException e) {
                // ignore
            }
        }
    }
}
