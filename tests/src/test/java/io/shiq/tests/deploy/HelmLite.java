package io.shiq.tests.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Renders a Helm chart whose templates use nothing but plain substitutions, exactly as Helm 3 would, so that the tests
 * need no helm binary: {@code {{ .Values.a.b }}}, {@code {{ .Values.a.b | quote }}}, {@code {{ .Release.Name }}},
 * {@code {{ .Release.Namespace }}}, {@code {{ .Chart.Name }}} and {@code {{ .Chart.Version }}} (each also with
 * {@code | quote}). Any other <code>{{</code> (an action, a function, a comment, whitespace trimming, another object,
 * a missing or non-scalar value) fails with the template and line, instead of rendering something Helm would not.
 *
 * <p>What Helm does that matters here, and is copied: values.yaml is read as JSON numbers, so a number prints as Go
 * prints a float64 ({@code 9404}, {@code 0.75}, {@code 1.0} as {@code 1}, {@code 1000000} as {@code 1e+06});
 * {@code quote} is Go's {@code %q} of that text; {@link #manifest} lays the documents out as {@code helm template}
 * does (Helm 3's {@code releaseutil.SortManifests}: template files in path order, documents split on {@code ---},
 * sorted stably by kind in Helm's install order with unknown kinds last and alphabetical, each under a
 * {@code # Source:} line, hooks after the rest).
 */
public final class HelmLite {
  /** The release a chart is rendered for ({@code helm template NAME CHART -n NAMESPACE}). */
  public record Release(String name, String namespace) {}

  /** One rendered document: the template it came from ({@code shiq/templates/x.yaml}), its kind and its text. */
  public record Manifest(String source, String kind, boolean hook, String content) {}

  /** Helm 3's releaseutil.InstallOrder. */
  static final List<String> INSTALL_ORDER = List.of("PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota",
      "LimitRange", "PodSecurityPolicy", "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap",
      "StorageClass", "PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole",
      "ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding",
      "RoleBindingList", "Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
      "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService",
      "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration");

  private static final Pattern OPEN = Pattern.compile("\\{\\{");
  private static final Pattern ACTION = Pattern.compile(
      "\\{\\{[ \\t]*(\\.[A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*)*)[ \\t]*(\\|[ \\t]*quote[ \\t]*)?\\}\\}");
  /** Helm's releaseutil.SplitManifests separator, {@code (?:^|\s*\n)---\s*} with RE2's {@code \s}. */
  private static final Pattern SEPARATOR = Pattern.compile("(?:^|[\\t\\n\\f\\r ]*\\n)---[\\t\\n\\f\\r ]*");

  private final Path chartDir;
  private final JsonNode chart;
  private final JsonNode values;

  private HelmLite(Path chartDir, JsonNode chart, JsonNode values) {
    this.chartDir = chartDir;
    this.chart = chart;
    this.values = values;
  }

  /** The chart in {@code chartDir} with its own values.yaml. */
  public static HelmLite load(Path chartDir) {
    return new HelmLite(chartDir, DeployFiles.yaml(chartDir.resolve("Chart.yaml")),
        DeployFiles.yaml(chartDir.resolve("values.yaml")));
  }

  /** The same chart with other values (the whole tree, as {@code -f} of a complete file would give). */
  public HelmLite withValues(JsonNode other) {
    return new HelmLite(chartDir, chart, other);
  }

  public JsonNode values() {
    return values;
  }

  public String chartName() {
    return chart.path("name").asText();
  }

  /** The chart's templates, by Helm's name for them ({@code shiq/templates/x.yaml}), in path order. */
  public List<String> templateNames() {
    try (Stream<Path> files = Files.list(chartDir.resolve("templates"))) {
      List<String> out = new ArrayList<>();
      for (Path f : files.sorted().toList()) {
        String base = f.getFileName().toString();
        if (Files.isDirectory(f) || base.startsWith("_") || !(base.endsWith(".yaml") || base.equals("NOTES.txt"))) {
          throw new IllegalStateException("HelmLite renders templates/*.yaml and NOTES.txt only, not " + f);
        }
        if (base.endsWith(".yaml")) {
          out.add(chartName() + "/templates/" + base);
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One template rendered. */
  public String renderTemplate(String name, Release release) {
    String file = name.substring(name.indexOf("/templates/") + "/templates/".length());
    try {
      return render(name, Files.readString(chartDir.resolve("templates").resolve(file)), release);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** templates/NOTES.txt rendered. */
  public String notes(Release release) {
    return renderTemplate(chartName() + "/templates/NOTES.txt", release);
  }

  /** Every document of every template, in the order {@code helm template} prints them (hooks last). */
  public List<Manifest> manifests(Release release) {
    List<Manifest> generic = new ArrayList<>();
    List<Manifest> hooks = new ArrayList<>();
    for (String name : templateNames()) {
      for (String doc : SEPARATOR.split(renderTemplate(name, release).strip(), -1)) {
        String content = doc.strip();
        if (content.isEmpty()) {
          continue;
        }
        List<JsonNode> parsed = DeployFiles.yamlDocuments(content);
        JsonNode head = parsed.isEmpty() ? DeployFiles.YAML.createObjectNode() : parsed.get(0);
        boolean hook = head.path("metadata").path("annotations").has("helm.sh/hook");
        Manifest m = new Manifest(name, head.path("kind").asText(""), hook, content);
        (hook ? hooks : generic).add(m);
      }
    }
    Comparator<Manifest> byKind = HelmLite::compareKinds;
    generic.sort(byKind); // List.sort is stable, as Go's sort.SliceStable
    hooks.sort(byKind);
    List<Manifest> out = new ArrayList<>(generic);
    out.addAll(hooks);
    return out;
  }

  /** What {@code helm template NAME CHART -n NAMESPACE} prints. */
  public String manifest(Release release) {
    StringBuilder main = new StringBuilder();
    StringBuilder hooks = new StringBuilder();
    for (Manifest m : manifests(release)) {
      (m.hook() ? hooks : main).append("---\n# Source: ").append(m.source()).append('\n').append(m.content())
          .append('\n');
    }
    return main.toString().strip() + "\n" + hooks;
  }

  /** Helm's lessByKind: known kinds in install order, unknown ones after them, alphabetically. */
  private static int compareKinds(Manifest a, Manifest b) {
    int ia = INSTALL_ORDER.indexOf(a.kind());
    int ib = INSTALL_ORDER.indexOf(b.kind());
    if (ia < 0 && ib < 0) {
      return a.kind().compareTo(b.kind());
    }
    if (ia < 0) {
      return 1;
    }
    if (ib < 0) {
      return -1;
    }
    return Integer.compare(ia, ib);
  }

  /** Substitutes every action of {@code text}; fails on anything but the supported ones. */
  public String render(String name, String text, Release release) {
    StringBuilder out = new StringBuilder();
    int at = 0;
    Matcher open = OPEN.matcher(text);
    while (open.find(at)) {
      int start = open.start();
      Matcher action = ACTION.matcher(text).region(start, text.length());
      if (!action.lookingAt()) {
        int end = text.indexOf("}}", start);
        throw new IllegalArgumentException(where(name, text, start) + ": HelmLite does not render '"
            + text.substring(start, end < 0 ? Math.min(text.length(), start + 40) : end + 2)
            + "' (only {{ .Values.x.y }}, {{ .Release.Name|Namespace }}, {{ .Chart.Name|Version }}, each optionally"
            + " | quote)");
      }
      String value = evaluate(action.group(1), name, text, start, release);
      out.append(text, at, start).append(action.group(2) != null ? goQuote(value) : value);
      at = action.end();
    }
    return out.append(text.substring(at)).toString();
  }

  private String evaluate(String path, String name, String text, int pos, Release release) {
    return switch (path) {
      case ".Release.Name" -> release.name();
      case ".Release.Namespace" -> release.namespace();
      case ".Chart.Name" -> chartName();
      case ".Chart.Version" -> {
        if (!chart.path("version").isTextual()) {
          throw new IllegalArgumentException("Chart.yaml: version must be a string (semver)");
        }
        yield chart.get("version").asText();
      }
      default -> {
        if (!path.startsWith(".Values.")) {
          throw new IllegalArgumentException(where(name, text, pos) + ": HelmLite does not know " + path);
        }
        JsonNode node = values;
        for (String key : path.substring(".Values.".length()).split("\\.")) {
          node = node == null ? null : node.get(key);
        }
        yield format(node, path, name, text, pos);
      }
    };
  }

  /** A scalar as Go's {@code fmt} prints the value Helm decoded from YAML through JSON. */
  private static String format(JsonNode node, String path, String name, String text, int pos) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      throw new IllegalArgumentException(where(name, text, pos) + ": " + path + " has no value");
    }
    if (node.isTextual()) {
      return node.asText();
    }
    if (node.isBoolean()) {
      return Boolean.toString(node.asBoolean());
    }
    if (node.isNumber()) {
      return goFloat(node.doubleValue());
    }
    throw new IllegalArgumentException(where(name, text, pos) + ": " + path + " is a " + node.getNodeType()
        + ", which Helm would print as Go's map or slice syntax; HelmLite renders scalars only");
  }

  /** Go's {@code %v} of a float64: strconv's shortest {@code 'g'}, exponent form below 1e-4 and from 1e6 on. */
  static String goFloat(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      throw new IllegalArgumentException("not a finite number: " + d);
    }
    if (d == 0) {
      return "0";
    }
    BigDecimal b = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
    String digits = b.unscaledValue().toString();
    int exp = digits.length() - b.scale() - 1; // the decimal exponent of the first digit
    String sign = d < 0 ? "-" : "";
    if (exp < -4 || exp >= 6) {
      String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
      return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
    }
    return sign + b.toPlainString();
  }

  /** Go's {@code strconv.Quote}, which Helm's {@code quote} uses. */
  static String goQuote(String s) {
    StringBuilder out = new StringBuilder("\"");
    s.codePoints().forEach(c -> {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case 7 -> out.append("\\a");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case 11 -> out.append("\\v");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append(String.format("\\x%02x", c));
          } else if (c < 0x80 || printable(c)) {
            out.appendCodePoint(c);
          } else {
            throw new IllegalArgumentException("HelmLite does not quote U+" + Integer.toHexString(c)
                + " (Go escapes it by its own tables)");
          }
        }
      }
    });
    return out.append('"').toString();
  }

  private static boolean printable(int c) {
    int type = Character.getType(c);
    return !Character.isISOControl(c) && type != Character.FORMAT && type != Character.UNASSIGNED
        && type != Character.SURROGATE && type != Character.PRIVATE_USE && type != Character.SPACE_SEPARATOR
        && type != Character.LINE_SEPARATOR && type != Character.PARAGRAPH_SEPARATOR;
  }

  private static String where(String name, String text, int pos) {
    int line = 1;
    for (int i = 0; i < pos; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return name + ":" + line;
  }
}
