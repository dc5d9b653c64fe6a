package io.shiq.actor.pace;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.avro.Trajectory;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThrottleTest {

  @Test
  void holdsTheEpisodeRate() {
    Throttle throttle = new Throttle(200); // 200 episodes/s: 10 per batch is one batch every 50 ms
    List<Trajectory> batch = Collections.nCopies(10, null);
    long t0 = System.nanoTime();
    for (int i = 0; i < 6; i++) {
      throttle.onBatch(i, batch, 0);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertTrue(seconds >= 0.29 && seconds < 2, "60 episodes at 200/s take 0.3 s, took " + seconds);
    assertThrows(IllegalArgumentException.class, () -> new Throttle(0));
    assertThrows(IllegalArgumentException.class, () -> new Throttle(Double.NaN));
  }
}
