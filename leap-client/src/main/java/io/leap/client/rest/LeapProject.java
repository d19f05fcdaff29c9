package io.leap.client.rest;

import java.time.Instant;

/**
 * The project a channel belongs to, as embedded in a REST channel object (REST spec §5.2). Fields the response
 * lacks are {@code null}.
 *
 * @param id        the project ID, e.g. {@code project_MTY1...}
 * @param name      the project name
 * @param namespace the project namespace
 * @param tier      {@code free} or {@code paid}
 * @param type      {@code regular} or {@code personal}
 * @param createdAt when the project was created
 */
public record LeapProject(String id, String name, String namespace, String tier, String type, Instant createdAt) {}
