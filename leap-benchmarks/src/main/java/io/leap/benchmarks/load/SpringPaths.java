package io.leap.benchmarks.load;

import java.util.List;
import java.util.function.Supplier;

/**
 * The Spring paths of the load harness (Spring WebSocket transport, Boot context with {@code @EventListener}).
 */
final class SpringPaths {

	private SpringPaths() {
	}

	static List<Supplier<ClientPath>> paths() {
		return List.of();
	}

}
