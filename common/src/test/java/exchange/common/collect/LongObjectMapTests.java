package exchange.common.collect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class LongObjectMapTests {

    @Test
    void behavesLikeHashMapUnderRandomChurn() {
        SplittableRandom random = new SplittableRandom(7);
        LongObjectMap<Long> map = new LongObjectMap<>(4);
        Map<Long, Long> reference = new HashMap<>();
        for (int i = 0; i < 200_000; i++) {
            // small key space so that removals hit probe chains often
            long key = random.nextLong(0, 300);
            switch (random.nextInt(3)) {
                case 0 -> assertThat(map.put(key, (long) i)).isEqualTo(reference.put(key, (long) i));
                case 1 -> assertThat(map.remove(key)).isEqualTo(reference.remove(key));
                default -> assertThat(map.get(key)).isEqualTo(reference.get(key));
            }
            assertThat(map.size()).isEqualTo(reference.size());
        }
        Map<Long, Long> seen = new HashMap<>();
        map.forEach(seen::put);
        assertThat(seen).isEqualTo(reference);
    }

    @Test
    void acceptsZeroAndLargeKeys() {
        LongObjectMap<String> map = new LongObjectMap<>(2);
        map.put(0, "zero");
        map.put(Long.MAX_VALUE, "max");
        assertThat(map.get(0)).isEqualTo("zero");
        assertThat(map.get(Long.MAX_VALUE)).isEqualTo("max");
        assertThat(map.containsKey(1)).isFalse();
    }
}
