package io.leap.client.rest;

/**
 * How to page through channels (REST spec §7). Immutable; the {@code with...} methods return copies.
 *
 * <p>The defaults match the Go SDK's paginator: {@code sortBy=created_at}, {@code orderBy=asc} and no page size
 * (the server's default, 100 in the embedded server).
 *
 * @param pageSize the page size sent as {@code limit} (1–100), or {@code 0} to send none
 * @param sortBy   the sort key
 * @param order    the sort order
 */
public record ChannelListOptions(int pageSize, SortBy sortBy, Order order) {

    /** The sort key of the channel list. */
    public enum SortBy {
        /** Sort by creation time ({@code created_at}). */
        CREATED_AT("created_at"),
        /** Sort by channel ID ({@code id}). */
        ID("id");

        private final String wireValue;

        SortBy(String wireValue) {
            this.wireValue = wireValue;
        }

        /**
         * Returns the query value.
         *
         * @return the value sent as {@code sortBy}
         */
        public String wireValue() {
            return wireValue;
        }
    }

    /** The sort order of the channel list. */
    public enum Order {
        /** Ascending ({@code asc}). */
        ASC("asc"),
        /** Descending ({@code desc}). */
        DESC("desc");

        private final String wireValue;

        Order(String wireValue) {
            this.wireValue = wireValue;
        }

        /**
         * Returns the query value.
         *
         * @return the value sent as {@code orderBy}
         */
        public String wireValue() {
            return wireValue;
        }
    }

    /**
     * Validates the components.
     *
     * @param pageSize see the record component
     * @param sortBy see the record component
     * @param order see the record component
     * @throws IllegalArgumentException if {@code pageSize} is negative or above 100
     * @throws NullPointerException     if {@code sortBy} or {@code order} is {@code null}
     */
    public ChannelListOptions {
        if (pageSize < 0 || pageSize > 100) {
            throw new IllegalArgumentException("pageSize must be between 1 and 100, or 0 for the server default");
        }
        java.util.Objects.requireNonNull(sortBy, "sortBy");
        java.util.Objects.requireNonNull(order, "order");
    }

    /**
     * Returns the defaults: server page size, by creation time, ascending.
     *
     * @return the default options
     */
    public static ChannelListOptions defaults() {
        return new ChannelListOptions(0, SortBy.CREATED_AT, Order.ASC);
    }

    /**
     * Returns a copy with another page size.
     *
     * @param pageSize 1–100, or 0 for the server default
     * @return the copy
     */
    public ChannelListOptions withPageSize(int pageSize) {
        return new ChannelListOptions(pageSize, sortBy, order);
    }

    /**
     * Returns a copy with another sort key.
     *
     * @param sortBy the sort key
     * @return the copy
     */
    public ChannelListOptions withSortBy(SortBy sortBy) {
        return new ChannelListOptions(pageSize, sortBy, order);
    }

    /**
     * Returns a copy with another order.
     *
     * @param order the order
     * @return the copy
     */
    public ChannelListOptions withOrder(Order order) {
        return new ChannelListOptions(pageSize, sortBy, order);
    }
}
