package io.leap.client.rest;

import java.util.Map;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An immutable JSON object: the state of a channel or the metadata of a Leap token.
 *
 * <p>Read it as a tree ({@link #json()}), a {@link Map} ({@link #asMap()}) or any type Jackson can bind
 * ({@link #as(Class)}, {@link #as(TypeReference)}). Conversions use the {@link JsonMapper} of the {@link LeapApi}
 * that produced the state, so custom modules apply. Two states are equal when their JSON trees are equal.
 */
public final class LeapState {

    private final ObjectNode node;
    private final JsonMapper mapper;

    private LeapState(ObjectNode node, JsonMapper mapper) {
        this.node = node;
        this.mapper = mapper;
    }

    /**
     * Wraps a copy of a JSON object.
     *
     * @param node   a JSON object; {@code null} or a JSON {@code null} gives an empty state
     * @param mapper the mapper used by the conversion methods
     * @return the state
     * @throws IllegalArgumentException if {@code node} is not a JSON object
     */
    static LeapState of(JsonNode node, JsonMapper mapper) {
        Objects.requireNonNull(mapper, "mapper");
        if (node == null || node.isNull() || node.isMissingNode()) {
            return new LeapState(mapper.createObjectNode(), mapper);
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("state must be a JSON object, got " + node.getNodeType());
        }
        return new LeapState((ObjectNode) node.deepCopy(), mapper);
    }

    /**
     * Creates a state from a JSON object tree, using a default {@link JsonMapper} for conversions.
     *
     * @param node a JSON object
     * @return the state
     * @throws IllegalArgumentException if {@code node} is not a JSON object
     */
    public static LeapState of(JsonNode node) {
        return of(Objects.requireNonNull(node, "node"), JsonMapper.shared());
    }

    /**
     * Returns an empty state ({@code {}}).
     *
     * @return the empty state
     */
    public static LeapState empty() {
        return new LeapState(JsonMapper.shared().createObjectNode(), JsonMapper.shared());
    }

    /** The tree itself, for serialisation by this package; never modified. */
    ObjectNode node() {
        return node;
    }

    /**
     * Returns a copy of the JSON object. Changing it does not change this state.
     *
     * @return a fresh copy of the tree
     */
    public ObjectNode json() {
        return node.deepCopy();
    }

    /**
     * Returns a copy of the value of one top-level key.
     *
     * @param key the key
     * @return the value, or {@code null} when the key is absent (a JSON {@code null} value is returned as a
     *         {@code NullNode})
     */
    public JsonNode get(String key) {
        JsonNode value = node.get(key);
        return value == null ? null : value.deepCopy();
    }

    /**
     * Tells whether a top-level key is present.
     *
     * @param key the key
     * @return {@code true} if present, even with a JSON {@code null} value
     */
    public boolean has(String key) {
        return node.has(key);
    }

    /**
     * Tells whether the state is {@code {}}.
     *
     * @return {@code true} when there is no key
     */
    public boolean isEmpty() {
        return node.isEmpty();
    }

    /**
     * Returns the state as a fresh mutable map of plain Java values (maps, lists, strings, numbers, booleans,
     * {@code null}).
     *
     * @return the state as a map
     */
    public Map<String, Object> asMap() {
        return as(new TypeReference<Map<String, Object>>() {});
    }

    /**
     * Binds the state to a type.
     *
     * @param type the target type
     * @param <T>  the target type
     * @return the bound value
     * @throws IllegalArgumentException if the state cannot be bound to {@code type}
     */
    public <T> T as(Class<T> type) {
        Objects.requireNonNull(type, "type");
        try {
            return mapper.treeToValue(node, type);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(
                    "cannot convert state to " + type.getName() + ": " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Binds the state to a generic type.
     *
     * @param type the target type
     * @param <T>  the target type
     * @return the bound value
     * @throws IllegalArgumentException if the state cannot be bound to {@code type}
     */
    public <T> T as(TypeReference<T> type) {
        Objects.requireNonNull(type, "type");
        try {
            return mapper.treeToValue(node, type);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(
                    "cannot convert state to " + type.getType() + ": " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Returns the state as compact JSON text.
     *
     * @return the JSON text
     */
    public String toJson() {
        return mapper.writeValueAsString(node);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LeapState other && node.equals(other.node);
    }

    @Override
    public int hashCode() {
        return node.hashCode();
    }

    /** Returns the JSON text of the state. */
    @Override
    public String toString() {
        return toJson();
    }
}
