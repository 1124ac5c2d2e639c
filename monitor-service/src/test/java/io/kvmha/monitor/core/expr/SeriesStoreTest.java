package io.kvmha.monitor.core.expr;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the store keeps of a host's sampled series, and the label maps it hands out. */
class SeriesStoreTest {

    final SeriesStore store = new SeriesStore(3_600_000);

    void sample(String host, long t, String name, double value) {
        SeriesStore.HostBatch batch = store.batch(host);
        batch.add(name, Map.of("host", host, "vm", "v1"), t, value);
        batch.close();
    }

    List<Series> series(String name) {
        List<Series> all = new ArrayList<>();
        store.forEach(name, all::add);
        return all;
    }

    @Test
    void aNameOnlyInstantSelectorsReadKeepsItsLatestSampleOnly() {
        store.retain("instant", 0);
        store.retain("ranged", 30_000);
        for (int i = 1; i <= 10; i++) {
            sample("h1", i * 500L, "instant", i);
            sample("h1", i * 500L, "ranged", i);
        }
        assertThat(series("instant")).singleElement().satisfies(s -> {
            assertThat(s.size()).isEqualTo(1);
            assertThat(s.lastTime()).isEqualTo(5_000);
            assertThat(s.lastValue()).isEqualTo(10.0);
        });
        // A range function's history stays until housekeeping prunes it to the range.
        assertThat(series("ranged")).singleElement().extracting(Series::size).isEqualTo(10);
        assertThat(ExprParser.parse("instant").eval(store, 5_000, 60_000)).singleElement()
                .extracting(Element::value).isEqualTo(10.0);
        assertThat(ExprParser.parse("stale(instant[1s])").eval(store, 7_000, 60_000)).singleElement()
                .extracting(Element::value).isEqualTo(2.0);
    }

    @Test
    void seriesLabelsIterateInKeyOrderWhateverTheSampleMapAndCompareByContent() {
        store.retain("m", 0);
        Map<String, String> labels = new HashMap<>();
        for (String key : new String[] {"zone", "host", "vm", "cell", "a"}) {
            labels.put(key, key + "-value");
        }
        SeriesStore.HostBatch batch = store.batch("h1");
        batch.add("m", labels, 1_000, 1);
        batch.close();

        Map<String, String> held = series("m").get(0).labels();
        assertThat(held.keySet()).containsExactly("a", "cell", "host", "vm", "zone");
        assertThat(held).isEqualTo(labels).hasSameHashCodeAs(labels);
        assertThat(store.lastValue("m", Map.copyOf(labels))).isEqualTo(1.0);
    }
}
