package io.shiq.ab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiq.avro.DecisionKind;
import io.shiq.avro.EvalResult;
import io.shiq.avro.Experiment;
import io.shiq.avro.ExperimentArm;
import io.shiq.avro.ExperimentDecision;
import io.shiq.avro.ExperimentStatus;
import io.shiq.avro.Guardrail;
import io.shiq.avro.GuardrailDirection;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class AbReportTest {
  static final Instant T0 = Instant.parse("2025-03-01T12:00:00Z");
  static final String CONTROL = "control";
  static final String TREATMENT = "candidate-v7";
  static final String DESCRIPTION = "Does v7 call tools better? <script>alert('x')</script> & more";
  static final String REASON = "effect CS excludes 0 <img src=x onerror=alert(1)>";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  static Experiment experiment(String id, String control, String treatment, String description) {
    return Experiment.newBuilder().setExperimentId(id).setDescription(description)
        .setArms(List.of(
            ExperimentArm.newBuilder().setName(control).setLine("prod").setVersion(null).setWeight(1.0).build(),
            ExperimentArm.newBuilder().setName(treatment).setLine("cand").setVersion(7L).setWeight(1.0).build()))
        .setControlArm(control).setPrimaryMetric("mean_reward")
        .setGuardrails(List.of(Guardrail.newBuilder().setMetric("episode_tokens")
            .setDirection(GuardrailDirection.AT_MOST).setLimit(1000).build()))
        .setMinimumDetectableEffect(0.03).setAlpha(0.05).setPower(0.8).setStartAt(T0)
        .setStatus(ExperimentStatus.DECIDED).setStatusReason("winner declared").setUpdatedAt(T0.plusSeconds(900))
        .build();
  }

  /** 20 evaluations one minute apart, two arms each, cumulative figures narrowing as episodes accrue. */
  static List<EvalResult> results(String id, String control, String treatment) {
    Random rnd = new Random(42);
    List<EvalResult> out = new ArrayList<>();
    double avp = 1.0;
    for (int i = 0; i < 20; i++) {
      Instant end = T0.plusSeconds(60L * (i + 1));
      long n = 100L * (i + 1);
      double sd = 0.3;
      double ci = 1.96 * sd / Math.sqrt(n);
      double cs = 2.8 * sd * Math.sqrt(Math.log(n)) / Math.sqrt(n);
      double mc = 0.50 + rnd.nextGaussian() * sd / Math.sqrt(n);
      double mt = 0.56 + rnd.nextGaussian() * sd / Math.sqrt(n);
      double effect = mt - mc;
      double z = effect / (sd * Math.sqrt(2.0 / n));
      double fixedP = Math.min(1, Math.exp(-z * z / 2));
      avp = Math.min(avp, Math.min(1, 20 * Math.exp(-z * z / 3)));
      for (String arm : List.of(control, treatment)) {
        boolean ctl = arm.equals(control);
        double mean = ctl ? mc : mt;
        Map<String, Double> m = new HashMap<>();
        m.put("cs_low", mean - cs);
        m.put("cs_high", mean + cs);
        m.put("success_rate", mean);
        m.put("share", 0.5);
        m.put("expected_share", 0.5);
        m.put("srm_p", 0.62);
        m.put("srm", 0.0);
        m.put("window_episodes", 100.0);
        m.put("window_mean", mean);
        if (!ctl) {
          m.put("effect", effect);
          m.put("effect_cs_low", effect - cs * Math.sqrt(2));
          m.put("effect_cs_high", effect + cs * Math.sqrt(2));
          m.put("always_valid_p", avp);
          m.put("fixed_p", fixedP);
          m.put("fixed_low", effect - ci * Math.sqrt(2));
          m.put("fixed_high", effect + ci * Math.sqrt(2));
          m.put("variance_reduction", 0.0);
          m.put("horizon_per_arm", 4000.0);
          m.put("guardrail.episode_tokens.mean", 800.0 + rnd.nextGaussian() * 20);
          m.put("guardrail.episode_tokens.cs_low", 800.0 - 2000.0 / Math.sqrt(n));
          m.put("guardrail.episode_tokens.cs_high", 800.0 + 2000.0 / Math.sqrt(n));
          m.put("guardrail.episode_tokens.limit", 1000.0);
          m.put("guardrail.episode_tokens.breached", 0.0);
        }
        out.add(EvalResult.newBuilder().setEvalId(id + "/" + arm + "/" + end.toEpochMilli()).setArm(arm)
            .setPolicyVersion(ctl ? 3L : 7L).setEnvId("bfcl").setWindowStart(end.minusSeconds(60)).setWindowEnd(end)
            .setEpisodes(n).setMeanReward(mean).setStdReward(sd).setCiLow(mean - ci).setCiHigh(mean + ci)
            .setSuccessRate(mean).setBaselineArm(ctl ? null : control).setPValue(ctl ? null : avp).setMetrics(m)
            .setExperimentId(id).build());
      }
    }
    return out;
  }

  static ExperimentDecision decision(String id, String control, String treatment) {
    return ExperimentDecision.newBuilder().setExperimentId(id).setKind(DecisionKind.WINNER).setArm(treatment)
        .setControlArm(control).setReason(REASON).setEpisodes(3000).setEffect(0.06).setCsLow(0.01).setCsHigh(0.11)
        .setPValue(0.003).setDecidedAt(T0.plusSeconds(15 * 60)).build();
  }

  static List<OpeLine> ope(String treatment) {
    return List.of(new OpeLine(treatment, "DR", 0.55, 0.50, 0.60, 5000, 1200.5),
        new OpeLine(treatment, "IS", 0.80, 0.75, 0.85, 5000, 310.0));
  }

  @Test
  void writesTheFullReport() throws Exception {
    String id = "exp-7";
    List<EvalResult> results = new ArrayList<>(results(id, CONTROL, TREATMENT));
    Collections.shuffle(results, new Random(7)); // input order must not matter
    Path index = AbReport.write(dir, experiment(id, CONTROL, TREATMENT, DESCRIPTION), results,
        List.of(decision(id, CONTROL, TREATMENT)), ope(TREATMENT));

    assertEquals(dir.resolve("index.html"), index);
    assertTrue(Files.isRegularFile(index));
    String html = Files.readString(index);
    assertTrue(html.contains("WINNER"), "decision kind");
    assertTrue(html.contains(CONTROL) && html.contains(TREATMENT), "arm names");
    assertTrue(html.contains("exp-7"), "experiment id");
    assertTrue(count(html, "<svg") >= 4, "three charts and a guardrail chart, got " + count(html, "<svg"));
    assertTrue(html.contains("SRM: no sample ratio mismatch") && html.contains("p = 0.62"), "SRM line");
    assertTrue(html.contains("predicted before traffic: DR 0.55 [0.5, 0.6]; live: mean "), "OPE line");
    assertTrue(html.contains("inside the interval"), "DR interval holds the live mean");
    assertTrue(html.contains("outside the interval"), "IS interval misses the live mean");
    // Header figures.
    assertTrue(html.contains("mean_reward") && html.contains("latest") && html.contains("50.0%"), "header");
    assertTrue(html.contains(">0.03<") && html.contains(">0.05<") && html.contains(">0.8<"), "MDE, alpha, power");
    // Decision time, UTC ISO-8601.
    assertTrue(html.contains("2025-03-01T12:15:00Z"), "decision time");
    // Chart furniture: decision marker, +-MDE, zero line, alpha line on the p-value chart, guardrail limit.
    assertTrue(html.contains("class=\"marker\""), "decision marker");
    assertTrue(html.contains("+MDE") && html.contains("\u2212MDE"), "MDE lines");
    assertTrue(html.contains("alpha = 0.05"), "alpha line");
    assertTrue(html.contains("limit (at most)"), "guardrail limit");
    assertTrue(html.contains("class=\"band\""), "confidence bands");
    // Escaping: user text never reaches the page as markup; no script or external resource at all.
    assertFalse(html.contains("<script"), "no script element");
    assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more"), "escaped description");
    assertFalse(html.contains("<img"), "escaped reason");
    assertTrue(html.contains("&lt;img src=x onerror=alert(1)&gt;"), "escaped reason text");
    assertFalse(html.contains("<link") || html.contains("http://cdn") || html.contains("https://"), "no external");
    assertWellFormed(html);

    List<String> csv = Files.readAllLines(dir.resolve("results.csv"));
    assertEquals(41, csv.size(), "header + 40 rows");
    assertTrue(csv.get(0).startsWith("eval_id,experiment_id,arm,"));
    int columns = csv.get(0).split(",", -1).length;
    for (String row : csv) {
      assertEquals(columns, row.split(",", -1).length, row);
    }
    assertTrue(csv.get(0).contains("metrics.guardrail.episode_tokens.mean"));
    assertTrue(csv.get(1).contains(",2025-03-01T12:00:00Z,2025-03-01T12:01:00Z,100,"), csv.get(1));
    assertTrue(csv.get(40).contains(",2025-03-01T12:20:00Z,2000,"), csv.get(40));

    JsonNode summary = JSON.readTree(dir.resolve("summary.json").toFile());
    assertEquals("exp-7", summary.path("experiment").path("id").asText());
    assertEquals("WINNER", summary.path("decision").path("kind").asText());
    assertEquals(TREATMENT, summary.path("decision").path("arm").asText());
    assertEquals("2025-03-01T12:15:00Z", summary.path("decision").path("decided_at").asText());
    assertEquals(REASON, summary.path("decision").path("reason").asText());
    assertEquals("2025-03-01T12:20:00Z", summary.path("as_of").asText());
    assertEquals(20, summary.path("evaluations").asInt());
    JsonNode arms = summary.path("arms");
    assertEquals(2, arms.size());
    assertEquals(CONTROL, arms.get(0).path("arm").asText());
    assertTrue(arms.get(0).path("control").asBoolean());
    assertEquals(2000, arms.get(1).path("episodes").asLong());
    assertTrue(arms.get(1).path("effect").isNumber());
    assertEquals(2, arms.get(1).path("effect_cs").size());
    assertTrue(arms.get(1).path("always_valid_p").isNumber());
    assertTrue(arms.get(1).path("fixed_p").isNumber());
    assertEquals(2, arms.get(1).path("cs").size());
    assertEquals("episode_tokens", arms.get(1).path("guardrails").get(0).path("metric").asText());
    assertFalse(arms.get(1).path("guardrails").get(0).path("breached").asBoolean(true));
    assertEquals(0.62, summary.path("srm").path("p").asDouble(), 1e-12);
    assertFalse(summary.path("srm").path("flagged").asBoolean(true));
    assertEquals(2, summary.path("ope").size());
    assertEquals("DR", summary.path("ope").get(0).path("estimator").asText());
    assertTrue(summary.path("ope").get(0).path("live_inside_interval").asBoolean());
    assertFalse(summary.path("ope").get(1).path("live_inside_interval").asBoolean(true));
  }

  @Test
  void emptyInputsStillWriteAValidPage() throws Exception {
    Path index = AbReport.write(dir.resolve("new"), experiment("exp-0", CONTROL, TREATMENT, ""), List.of(),
        List.of(), null);
    String html = Files.readString(index);
    assertTrue(html.contains("No results yet"), "says no results yet");
    assertTrue(html.contains("No decision yet"), "says no decision yet");
    assertTrue(html.contains("SRM: not tested yet"));
    assertTrue(html.contains(CONTROL) && html.contains(TREATMENT), "declared arms are listed");
    assertWellFormed(html);

    List<String> csv = Files.readAllLines(dir.resolve("new/results.csv"));
    assertEquals(1, csv.size(), "header only");

    JsonNode summary = JSON.readTree(dir.resolve("new/summary.json").toFile());
    assertTrue(summary.path("decision").isNull());
    assertTrue(summary.path("as_of").isNull());
    assertEquals(0, summary.path("arms").get(1).path("episodes").asLong());
    assertEquals(0, summary.path("ope").size());
  }

  @Test
  void hostileNamesAreEscapedEverywhere() throws Exception {
    String id = "x\"><script>alert(1)</script>";
    String ctl = "c<&>'\"";
    String trt = "t</text><script>";
    Path index = AbReport.write(dir, experiment(id, ctl, trt, "</style><script>bad()</script>"),
        results(id, ctl, trt), List.of(decision(id, ctl, trt)), ope(trt));
    String html = Files.readString(index);
    assertFalse(html.contains("<script"), "no script element");
    assertFalse(html.contains("</text><script"), "arm name escaped inside SVG");
    assertWellFormed(html);
    JsonNode summary = JSON.readTree(dir.resolve("summary.json").toFile());
    assertEquals(id, summary.path("experiment").path("id").asText());
    assertEquals(trt, summary.path("decision").path("arm").asText());
  }

  @Test
  void sparseResultsAndNullDecisionFieldsRender() throws Exception {
    String id = "exp-s";
    Experiment e = Experiment.newBuilder(experiment(id, CONTROL, TREATMENT, "sparse")).setPrimaryMetric("success_rate")
        .setStatus(ExperimentStatus.STOPPED).build();
    Instant t = T0.plusSeconds(30);
    Map<String, Double> unbounded = new HashMap<>();
    unbounded.put("cs_low", -Double.MAX_VALUE);
    unbounded.put("cs_high", Double.MAX_VALUE);
    unbounded.put("srm_p", 1e-9);
    unbounded.put("srm", 1.0);
    unbounded.put("fixed_p", 0.0);
    List<EvalResult> results = List.of(
        EvalResult.newBuilder().setEvalId("a").setArm(CONTROL).setEnvId("").setWindowStart(T0).setWindowEnd(t)
            .setEpisodes(5).setMeanReward(0.4).setStdReward(0).setCiLow(0.4).setCiHigh(0.4).build(),
        EvalResult.newBuilder().setEvalId("b").setArm(TREATMENT).setEnvId("").setWindowStart(T0).setWindowEnd(t)
            .setEpisodes(40).setMeanReward(0.6).setStdReward(0.1).setCiLow(0.5).setCiHigh(0.7)
            .setMetrics(unbounded).build());
    ExperimentDecision d = ExperimentDecision.newBuilder().setExperimentId(id)
        .setKind(DecisionKind.SAMPLE_RATIO_MISMATCH).setControlArm(CONTROL).setReason("shares 11% vs 89%")
        .setEpisodes(45).setDecidedAt(t).build();
    String html = Files.readString(AbReport.write(dir, e, results, List.of(d), List.of(
        new OpeLine("unknown-arm", "SNIS", 0.5, 0.4, 0.6, 10, 3.0))));
    assertWellFormed(html);
    assertTrue(html.contains("SAMPLE_RATIO_MISMATCH"));
    assertTrue(html.contains("SRM: sample ratio mismatch"), "flagged SRM");
    assertTrue(html.contains("+\u221e"), "an unbounded CS end shows as infinity");
    assertTrue(html.contains("live: no result yet"), "OPE for an arm without live results");
    assertEquals(3, Files.readAllLines(dir.resolve("results.csv")).size());
    JsonNode summary = JSON.readTree(dir.resolve("summary.json").toFile());
    assertEquals("SAMPLE_RATIO_MISMATCH", summary.path("decision").path("kind").asText());
    assertTrue(summary.path("decision").path("effect").isNull());
    assertTrue(summary.path("srm").path("flagged").asBoolean());
    assertEquals(0.4, summary.path("arms").get(0).path("mean").asDouble(), 1e-12, "success_rate missing: reward");
  }

  @Test
  void chartKeepsUnboundedBandsAndLogValuesInsideThePlot() throws Exception {
    double[] x = {0, 60_000, 120_000};
    String svg = new SvgChart("t", "p <test>", 400, 200).timeX().logY(1e-6)
        .band("cs", "#123456", x, new double[] {-Double.MAX_VALUE, 0.1, 0.2}, new double[] {Double.MAX_VALUE, 0.5, 0.3})
        .line("p", "#123456", x, new double[] {1.0, 0.0, 1e-3}, false).hLine(0.05, "#f00", true, "alpha").render();
    assertWellFormed(svg);
    assertTrue(svg.contains("p &lt;test&gt;"));
    Matcher num = Pattern.compile("(?:x|y|x1|x2|y1|y2|cx|cy)=\"(-?[0-9.]+)\"").matcher(svg);
    int seen = 0;
    while (num.find()) {
      double v = Double.parseDouble(num.group(1));
      assertTrue(Math.abs(v) < 2000, "coordinate stays near the plot: " + num.group());
      seen++;
    }
    assertTrue(seen > 10);
    String empty = new SvgChart("e", "nothing", 400, 200).timeX().emptyMessage("no data <yet>").render();
    assertTrue(empty.contains("no data &lt;yet&gt;"));
    assertWellFormed(empty);
  }

  private static int count(String s, String needle) {
    int n = 0;
    for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  /** The page is written as well-formed XML: a parse failure means some text escaped its escaping. */
  private static void assertWellFormed(String markup) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    DocumentBuilder b = f.newDocumentBuilder();
    b.setErrorHandler(null);
    Document doc = b.parse(new ByteArrayInputStream(markup.getBytes(StandardCharsets.UTF_8)));
    assertNotNull(doc.getDocumentElement());
  }
}
