package io.leap.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** Collects what listeners receive, thread-safely. */
final class Recorder<T> {
    final List<T> items = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();

    void add(T item) {
        threads.add(Thread.currentThread().getName());
        items.add(item);
    }

    int size() {
        return items.size();
    }

    List<T> snapshot() {
        return new ArrayList<>(items);
    }

    boolean any(Predicate<? super T> p) {
        return items.stream().anyMatch(p);
    }

    long count(Predicate<? super T> p) {
        return items.stream().filter(p).count();
    }
}
