package io.shiq.bfcl.py;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PyRandom against CPython's random.Random (vectors in random_vectors.jsonl; its first line says how they were
 * made).
 */
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

  @Test
  void seedsAsRandomRandomTakesThem() {
    // [random.Random(s).random() for s in [2.5, -1.0, 1e300, inf, -inf, -0.0, 0.5, 1e-300, 2**61-1.0, 'abc', '',
    // 'é']] in CPython 3.11.7.
    Object[] seeds = {2.5, -1.0, 1e300, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.5, 1e-300,
        2305843009213693951.0, "abc", "", "é"};
    double[] want = {0.41877545666909954, 0.13119521545503066, 0.2614143642581235, 0.19236379321481523,
        0.820833204760975, 0.8444218515250481, 0.2794930785867423, 0.43684087591810306, 0.13436424411240122,
        0.7720246314157545, 0.9602256525641875, 0.9689252893653495};
    for (int i = 0; i < seeds.length; i++) {
      assertEquals(want[i], PyRandom.seeded(seeds[i]).random(), "seed " + seeds[i]);
    }
    PyException e = assertThrows(PyException.class, () -> PyRandom.seeded(List.of(1L)));
    assertEquals("The only supported seed types are: None,\nint, float, str, bytes, and bytearray.", e.pyStr());
    // random.Random(U+1F600 U+D800) in CPython 3.11.7: str.encode() refuses the lone surrogate (code point index).
    e = assertThrows(PyException.class, () -> PyRandom.seeded("\uD83D\uDE00\uD800"));
    assertEquals("UnicodeEncodeError: 'utf-8' codec can't encode character '\\ud800' in position 1: surrogates not "
        + "allowed", e.type() + ": " + e.pyStr());
  }
}
