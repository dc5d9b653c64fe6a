package io.shiq.bfcl.py;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PyRandom against CPython's random.Random (vectors in random_vectors.jsonl; its first line says how they were made). */
class PyRandomTest {
  @Test
  void everySeedGivesCPythonsNumbers() throws Exception {
    ObjectMapper json = new ObjectMapper();
    int seeds = 0;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        PyRandomTest.class.getResourceAsStream("random_vectors.jsonl"), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.startsWith("#")) {
          continue;
        }
        JsonNode v = json.readTree(line);
        String seed = v.get("seed").asText();
        PyRandom rnd = new PyRandom(new BigInteger(seed));
        for (JsonNode x : v.get("random")) {
          assertEquals(x.asText(), PyFloat.repr(rnd.random()), "random() of seed " + seed);
        }
        for (JsonNode x : v.get("randint")) {
          assertEquals(x.asLong(), rnd.randint(10000, 99999), "randint of seed " + seed);
        }
        assertEquals(v.get("getrandbits70").asText(), rnd.getrandbits(70).toString(), "getrandbits(70), " + seed);
        assertEquals(v.get("choice7").asInt(), rnd.choice(List.of(0, 1, 2, 3, 4, 5, 6)), "choice, seed " + seed);
        assertEquals(v.get("uniform").asText(), PyFloat.repr(rnd.uniform(-10.0, 40.0)), "uniform, seed " + seed);
        assertEquals(v.get("randint12").asLong(), rnd.randint(100000000000L, 999999999999L), "randint, " + seed);
        seeds++;
      }
    }
    assertEquals(10, seeds);
  }
}
