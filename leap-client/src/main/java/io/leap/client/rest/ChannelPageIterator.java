package io.leap.client.rest;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.IntFunction;

/**
 * Walks the pages of the channel list, fetching each one when {@code hasNext()} needs it. It always ends: at the
 * first empty page, once {@code total_count} channels have been read, or at a page that repeats the previous one
 * (what a server that ignores {@code page} answers).
 */
final class ChannelPageIterator implements Iterator<ChannelPage> {

    private final IntFunction<ChannelPage> fetch;
    private int nextPage = 1;
    private long read;
    private boolean done;
    private ChannelPage buffered;
    private List<String> previousIds = List.of();

    /**
     * @param fetch gets the page with the given 1-based number (blocking)
     */
    ChannelPageIterator(IntFunction<ChannelPage> fetch) {
        this.fetch = fetch;
    }

    @Override
    public boolean hasNext() {
        if (buffered != null) {
            return true;
        }
        if (done) {
            return false;
        }
        ChannelPage page = fetch.apply(nextPage);
        if (page.isEmpty()) {
            done = true;
            return false;
        }
        List<String> ids = page.channels().stream().map(LeapChannel::id).toList();
        if (ids.equals(previousIds)) {
            // The server ignores page (and perhaps limit): it answered the previous page again.
            done = true;
            return false;
        }
        previousIds = ids;
        nextPage++;
        read += ids.size();
        if (page.totalCount() >= 0 && read >= page.totalCount()) {
            done = true;
        }
        buffered = page;
        return true;
    }

    @Override
    public ChannelPage next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        ChannelPage page = buffered;
        buffered = null;
        return page;
    }
}
