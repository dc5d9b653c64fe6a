package io.shiq.bfcl.backend;

import io.shiq.bfcl.py.PyCompare;
import io.shiq.bfcl.py.PyContainers;
import io.shiq.bfcl.py.PyEquals;
import io.shiq.bfcl.py.PyException;
import io.shiq.bfcl.py.PyFloat;
import io.shiq.bfcl.py.PyNumbers;
import io.shiq.bfcl.py.PyObject;
import io.shiq.bfcl.py.PyOperators;
import io.shiq.bfcl.py.PyRepr;
import io.shiq.bfcl.py.PyStr;
import io.shiq.bfcl.py.PyTypes;
import java.math.BigInteger;
import java.time.Clock;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * BFCL's {@code GorillaFileSystem} (gorilla_file_system.py): an in-memory file tree with shell-like commands that
 * work on the current directory only.
 *
 * <p>The port keeps the Python object graph as it is, quirks included, because results and states depend on it: a
 * moved directory shares its {@code contents} dict with the detached original (whose children still name the original
 * as their parent, so {@code cd ..} and {@code pwd} follow the stale link), a copied directory gets a shallow copy of
 * the dict (the children are shared between both trees), and {@code _get_item(".")} is the directory itself.
 * Arguments are taken as the Python values they are, so a wrong type fails where and as the Python code fails.
 */
public final class GorillaFileSystem extends Backend {
  /** long_context.py's constants, read once; only read here, never mutated. */
  private static final String FILE_CONTENT_EXTENSION = LongContext.get("FILE_CONTENT_EXTENSION");
  private static final List<Object> FILES_TAIL_USED = LongContext.get("FILES_TAIL_USED");
  private static final List<Object> POPULATE_FILE_EXTENSION = LongContext.get("POPULATE_FILE_EXTENSION");

  /** The characters {@code _validate_file_or_directory_name} refuses, in the order it tests them. */
  private static final String INVALID_NAME_CHARS = "|/\\?%*:\"><";

  private Clock clock = Clock.systemDefaultZone();
  private boolean loaded;
  private boolean longContext;
  private Directory root;
  private Directory currentDir;

  public GorillaFileSystem() {
    define("pwd", a -> pwd());
    define("ls", a -> ls(a.truthy("a")), Param.opt("a", false));
    define("cd", a -> cd(a.get("folder")), Param.req("folder"));
    define("mkdir", a -> mkdir(a.get("dir_name")), Param.req("dir_name"));
    define("touch", a -> touch(a.get("file_name")), Param.req("file_name"));
    define("echo", a -> echo(a.get("content"), a.get("file_name")), Param.req("content"),
        Param.opt("file_name", null));
    define("cat", a -> cat(a.get("file_name")), Param.req("file_name"));
    define("find", a -> find(a.get("path"), a.get("name")), Param.opt("path", "."), Param.opt("name", null));
    define("wc", a -> wc(a.get("file_name"), a.get("mode")), Param.req("file_name"), Param.opt("mode", "l"));
    define("sort", a -> sort(a.get("file_name")), Param.req("file_name"));
    define("grep", a -> grep(a.get("file_name"), a.get("pattern")), Param.req("file_name"), Param.req("pattern"));
    define("du", a -> du(a.truthy("human_readable")), Param.opt("human_readable", false));
    define("tail", a -> tail(a.get("file_name"), a.get("lines")), Param.req("file_name"), Param.opt("lines", 10L));
    define("diff", a -> diff(a.get("file_name1"), a.get("file_name2")), Param.req("file_name1"),
        Param.req("file_name2"));
    define("mv", a -> mv(a.get("source"), a.get("destination")), Param.req("source"), Param.req("destination"));
    define("rm", a -> rm(a.get("file_name")), Param.req("file_name"));
    define("rmdir", a -> rmdir(a.get("dir_name")), Param.req("dir_name"));
    define("cp", a -> cp(a.get("source"), a.get("destination")), Param.req("source"), Param.req("destination"));
  }

  /** The clock that stamps files' (private, never compared) {@code _last_modified}, as datetime.now() does. */
  public void setClock(Clock clock) {
    this.clock = clock;
  }

  @Override
  public void loadScenario(Map<String, Object> scenario, boolean longContext) {
    // DEFAULT_STATE's root, deep-copied: a fresh empty "/" directory.
    Directory newRoot = new Directory("/", null);
    this.longContext = longContext;
    this.loaded = true;
    this.root = newRoot;
    if (scenario.containsKey("root")) {
      Object rootArg = scenario.get("root");
      Map<Object, Object> rootSpec = PyContainers.asDict(rootArg, "keys");
      if (rootSpec.isEmpty()) {
        throw PyException.indexError("list index out of range");
      }
      Object rootName = rootSpec.keySet().iterator().next();
      Directory rootDir = new Directory(rootName, null);
      this.root = loadDirectory(PyContainers.getItem(PyContainers.getItem(rootSpec, rootName), "contents"), rootDir);
    }
    this.currentDir = this.root;
  }

  /** {@code _load_directory}: fills {@code parent} from the scenario dict and returns it. */
  private Directory loadDirectory(Object currentArg, Directory parent) {
    boolean isBottommost = true;
    for (Map.Entry<Object, Object> e : PyContainers.asDict(currentArg, "items").entrySet()) {
      Object name = e.getKey();
      Object data = e.getValue();
      Object type = PyContainers.getItem(data, "type");
      if (PyEquals.equal(type, "directory")) {
        isBottommost = false;
        Directory newDir = new Directory(name, parent);
        newDir = loadDirectory(PyContainers.getItem(data, "contents"), newDir);
        parent.contents.put(name, newDir);
      } else if (PyEquals.equal(type, "file")) {
        Object content = PyContainers.getItem(data, "content");
        if (longContext && !PyContainers.contains(FILES_TAIL_USED, name)) {
          content = PyOperators.iadd(content, FILE_CONTENT_EXTENSION);
        }
        parent.contents.put(name, new File(name, content, now()));
      }
    }
    if (isBottommost && longContext) {
      populateDirectory(parent);
    }
    return parent;
  }

  /** {@code _populate_directory} (long context only): 30 empty image files in every innermost directory. */
  private void populateDirectory(Directory directory) {
    for (Object name : POPULATE_FILE_EXTENSION) {
      directory.addFile(PyRepr.str(name), "", now());
    }
  }

  @Override
  public Map<String, Object> state() {
    if (!loaded) {
      return new LinkedHashMap<>(); // vars(self) before _load_scenario holds only _api_description
    }
    return attributes("long_context", longContext, "root", root);
  }

  /** {@code self._current_dir}, which exists only once a scenario is loaded. */
  private Directory cwd() {
    if (currentDir == null) {
      throw PyException.attributeError("'GorillaFileSystem' object has no attribute '_current_dir'");
    }
    return currentDir;
  }

  /** {@code self.root}, likewise. */
  private Directory rootDir() {
    if (root == null) {
      throw PyException.attributeError("'GorillaFileSystem' object has no attribute 'root'");
    }
    return root;
  }

  /** The current directory ({@code _current_dir}, private in Python): for tests and tools. */
  public Directory currentDirectory() {
    return currentDir;
  }

  // ---------------------------------------------------------------------------------------------- public methods

  private Object pwd() {
    List<Object> path = new ArrayList<>();
    Directory dir = cwd();
    // `dir.name != self.root` compares a name with a Directory, which is always unequal: the loop climbs to the top
    // and the root's own name is part of the path ("/" + "/" for the default root "/").
    while (dir != null) {
      path.add(dir.name);
      dir = dir.parent;
    }
    Collections.reverse(path);
    return dict("current_working_directory", "/" + PyStr.join("/", path));
  }

  private Object ls(boolean showHidden) {
    List<Object> contents = cwd().listContents();
    if (!showHidden) {
      List<Object> visible = new ArrayList<>();
      for (Object item : contents) {
        if (!PyStr.receiver(item, "startswith").startsWith(".")) {
          visible.add(item);
        }
      }
      contents = visible;
    }
    return dict("current_directory_content", contents);
  }

  private Object cd(Object folderArg) {
    String folder = PyStr.rstrip(PyStr.receiver(folderArg, "rstrip"), '/');
    if (folder.isEmpty()) {
      folder = "/";
    }
    if (!folder.equals(".") && !folder.equals("..") && !folder.equals("/") && folder.contains("/")) {
      return dict("error", "cd: " + folder + ": Unsupported path. Only one folder level at a time is supported.");
    }
    if (folder.equals("..")) {
      if (cwd().parent != null) { // a Directory has no __bool__/__len__: any parent is truthy
        currentDir = cwd().parent;
      } else if (rootDir().pyEquals(cwd())) {
        return dict("error", "Current directory is already the root. Cannot go back.");
      } else {
        return dict("error", "cd: ..: No such directory");
      }
      return new LinkedHashMap<>();
    }
    Object target = navigateToDirectory(folder);
    if (target instanceof Map) {
      return target;
    }
    currentDir = (Directory) target;
    return dict("current_working_directory", cwd().name);
  }

  private Object mkdir(Object dirName) {
    if (!validName(dirName)) {
      return dict("error", "mkdir: cannot create directory '" + PyRepr.str(dirName) + "': Invalid character");
    }
    if (cwd().has(dirName)) {
      return dict("error", "mkdir: cannot create directory '" + PyRepr.str(dirName) + "': File exists");
    }
    cwd().addDirectory(dirName);
    return null;
  }

  private Object touch(Object fileName) {
    if (!validName(fileName)) {
      return dict("error", "touch: cannot touch '" + PyRepr.str(fileName) + "': Invalid character");
    }
    if (cwd().has(fileName)) {
      return dict("error", "touch: cannot touch '" + PyRepr.str(fileName) + "': File exists");
    }
    cwd().addFile(fileName, "", now());
    return null;
  }

  private Object echo(Object content, Object fileName) {
    if (fileName == null) {
      return dict("terminal_output", content);
    }
    if (!validName(fileName)) {
      return dict("error", "echo: cannot write to '" + PyRepr.str(fileName) + "': Invalid character");
    }
    if (!Args.truthy(fileName)) {
      return dict("terminal_output", content);
    }
    if (!cwd().has(fileName)) {
      return dict("error", "echo: cannot write to '" + PyRepr.str(fileName) + "': No such file");
    }
    PyObject item = cwd().getItem(fileName);
    if (!(item instanceof File file)) {
      // echo calls _write on whatever the name holds; a Directory has none.
      throw PyException.noAttribute(item, "_write");
    }
    file.write(content, now());
    return null;
  }

  private Object cat(Object fileName) {
    if (!validName(fileName)) {
      return dict("error", "cat: '" + PyRepr.str(fileName) + "': Invalid character");
    }
    if (!cwd().has(fileName)) {
      return dict("error", "cat: '" + PyRepr.str(fileName) + "': No such file or directory");
    }
    if (cwd().getItem(fileName) instanceof File file) {
      return dict("file_content", file.content);
    }
    return dict("error", "cat: '" + PyRepr.str(fileName) + "': Is a directory");
  }

  private Object find(Object path, Object name) {
    Object target = navigateToDirectory(path);
    if (target instanceof Map<?, ?> error) {
      Object message = error.containsKey("error") ? error.get("error") : "";
      if (message instanceof String s && s.startsWith("cd:")) {
        return dict("error", "find:" + s.substring("cd:".length()));
      }
      return target;
    }
    List<Object> matches = new ArrayList<>();
    // find(path=None) gets past _navigate_to_directory and then fails on path.rstrip.
    recursiveSearch((Directory) target, PyStr.rstrip(PyStr.receiver(path, "rstrip"), '/'), name, matches);
    return dict("matches", matches);
  }

  private static void recursiveSearch(Directory directory, String basePath, Object name, List<Object> matches) {
    for (Map.Entry<Object, PyObject> e : directory.contents.entrySet()) {
      String itemPath = basePath + "/" + PyRepr.str(e.getKey());
      if (name == null || PyContainers.contains(e.getKey(), name)) {
        matches.add(itemPath);
      }
      if (e.getValue() instanceof Directory sub) {
        recursiveSearch(sub, itemPath, name, matches);
      }
    }
  }

  private Object wc(Object fileName, Object mode) {
    if (!PyEquals.equal(mode, "l") && !PyEquals.equal(mode, "w") && !PyEquals.equal(mode, "c")) {
      return dict("error", "wc: invalid mode '" + PyRepr.str(mode) + "'");
    }
    if (cwd().has(fileName) && cwd().getItem(fileName) instanceof File file) {
      Object content = file.content;
      if (PyEquals.equal(mode, "l")) {
        return dict("count", (long) PyStr.splitlines(PyStr.receiver(content, "splitlines")).size(), "type",
            "lines");
      } else if (PyEquals.equal(mode, "w")) {
        return dict("count", (long) PyStr.split(PyStr.receiver(content, "split")).size(), "type", "words");
      } else {
        return dict("count", PyContainers.len(content), "type", "characters");
      }
    }
    return dict("error", "wc: " + PyRepr.str(fileName) + ": No such file or directory");
  }

  private Object sort(Object fileName) {
    if (cwd().has(fileName) && cwd().getItem(fileName) instanceof File file) {
      List<String> lines = PyStr.splitlines(PyStr.receiver(file.content, "splitlines"));
      lines.sort(PyCompare::compare);
      return dict("sorted_content", String.join("\n", lines));
    }
    return dict("error", "sort: " + PyRepr.str(fileName) + ": No such file or directory");
  }

  private Object grep(Object fileName, Object pattern) {
    if (cwd().has(fileName) && cwd().getItem(fileName) instanceof File file) {
      List<Object> matching = new ArrayList<>();
      for (String line : PyStr.splitlines(PyStr.receiver(file.content, "splitlines"))) {
        if (PyContainers.contains(line, pattern)) {
          matching.add(line);
        }
      }
      return dict("matching_lines", matching);
    }
    return dict("error", "grep: " + PyRepr.str(fileName) + ": No such file or directory");
  }

  private Object du(boolean humanReadable) {
    Object target = navigateToDirectory(null);
    if (target instanceof Map) {
      return target;
    }
    long totalSize = size((Directory) target);
    String sizeStr;
    if (humanReadable) {
      // `total_size /= 1024` turns the int into a float after the first step; dividing by 1024 is exact.
      String[] units = {"B", "KB", "MB", "GB", "TB"};
      double size = totalSize;
      sizeStr = null;
      for (String unit : units) {
        if (size < 1024) {
          sizeStr = PyFloat.formatFixed(size, 2) + " " + unit;
          break;
        }
        size /= 1024;
      }
      if (sizeStr == null) {
        sizeStr = PyFloat.formatFixed(size, 2) + " PB";
      }
    } else {
      sizeStr = totalSize + " bytes";
    }
    return dict("disk_usage", sizeStr);
  }

  /** du's get_size: UTF-8 bytes of every file below. */
  private static long size(PyObject item) {
    if (item instanceof File file) {
      return PyStr.encodeUtf8(PyStr.receiver(file.content, "encode")).length;
    } else if (item instanceof Directory dir) {
      long sum = 0;
      for (PyObject child : dir.contents.values()) {
        sum += size(child);
      }
      return sum;
    }
    return 0;
  }

  private Object tail(Object fileName, Object linesArg) {
    if (cwd().has(fileName) && cwd().getItem(fileName) instanceof File file) {
      List<String> content = PyStr.splitlines(PyStr.receiver(file.content, "splitlines"));
      Object lines = linesArg;
      if (PyCompare.greaterThan(lines, (long) content.size())) {
        lines = (long) content.size();
      }
      // content[-lines:]: lines == 0 keeps every line and a negative count drops lines from the front.
      if (!PyTypes.isInt(lines)) {
        // Only numbers get past the comparison; a float or Decimal count cannot index a slice.
        throw PyException.typeError("slice indices must be integers or None or have an __index__ method");
      }
      BigInteger start = PyNumbers.toBigInteger(lines).negate();
      BigInteger len = BigInteger.valueOf(content.size());
      if (start.signum() < 0) {
        start = start.add(len).max(BigInteger.ZERO);
      } else {
        start = start.min(len);
      }
      return dict("last_lines", String.join("\n", content.subList(start.intValueExact(), content.size())));
    }
    return dict("error", "tail: " + PyRepr.str(fileName) + ": No such file or directory");
  }

  private Object diff(Object fileName1, Object fileName2) {
    if (cwd().has(fileName1) && cwd().has(fileName2)) {
      PyObject file1 = cwd().getItem(fileName1);
      PyObject file2 = cwd().getItem(fileName2);
      if (file1 instanceof File f1 && file2 instanceof File f2) {
        List<String> content1 = PyStr.splitlines(PyStr.receiver(f1.content, "splitlines"));
        List<String> content2 = PyStr.splitlines(PyStr.receiver(f2.content, "splitlines"));
        List<String> diffLines = new ArrayList<>();
        for (int i = 0; i < Math.min(content1.size(), content2.size()); i++) {
          if (!content1.get(i).equals(content2.get(i))) {
            diffLines.add("- " + content1.get(i) + "\n+ " + content2.get(i));
          }
        }
        return dict("diff_lines", String.join("\n", diffLines));
      }
    }
    return dict("error", "diff: " + PyRepr.str(fileName1) + " or " + PyRepr.str(fileName2)
        + ": No such file or directory");
  }

  private Object mv(Object source, Object destination) {
    String src = PyRepr.str(source);
    String dst = PyRepr.str(destination);
    if (!cwd().has(source)) {
      return dict("error", "mv: cannot move '" + src + "': No such file or directory");
    }
    PyObject item = cwd().getItem(source);
    if (!(item instanceof File) && !(item instanceof Directory)) {
      return dict("error", "mv: cannot move '" + src + "': Not a file or directory");
    }
    if (PyContainers.contains(destination, "/")) {
      return dict("error", "mv: path not allowed in destination. Provide only a file or directory name.");
    }
    if (cwd().has(destination)) {
      PyObject destItem = cwd().getItem(destination);
      if (destItem instanceof Directory dest) {
        // BFCL looks up f"{source}" there: the str of the name.
        if (dest.has(src)) {
          return dict("error", "mv: cannot move '" + src + "' to '" + dst + "/" + src + "': File exists");
        }
        cwd().pop(source);
        if (item instanceof File file) {
          dest.addFile(source, file.content, now());
        } else {
          dest.addDirectory(source);
          // The new directory takes the moved one's dict itself, not a copy.
          ((Directory) dest.contents.get(source)).contents = ((Directory) item).contents;
        }
        return dict("result", "'" + src + "' moved to '" + dst + "/" + src + "'");
      }
      return dict("error", "mv: cannot move '" + src + "' to '" + dst + "': Not a directory");
    }
    cwd().pop(source);
    if (item instanceof File file) {
      cwd().addFile(destination, file.content, now());
    } else {
      cwd().addDirectory(destination);
      ((Directory) cwd().contents.get(destination)).contents = ((Directory) item).contents;
    }
    return dict("result", "'" + src + "' moved to '" + dst + "'");
  }

  private Object rm(Object fileName) {
    if (cwd().has(fileName)) {
      PyObject item = cwd().getItem(fileName);
      if (item instanceof File || item instanceof Directory) {
        cwd().pop(fileName);
        return dict("result", "'" + PyRepr.str(fileName) + "' removed");
      }
      return dict("error", "rm: cannot remove '" + PyRepr.str(fileName) + "': Not a file or directory");
    }
    return dict("error", "rm: cannot remove '" + PyRepr.str(fileName) + "': No such file or directory");
  }

  private Object rmdir(Object dirName) {
    String name = PyRepr.str(dirName);
    if (cwd().has(dirName)) {
      if (cwd().getItem(dirName) instanceof Directory dir) {
        if (!dir.contents.isEmpty()) {
          return dict("error", "rmdir: cannot remove '" + name + "': Directory not empty");
        }
        cwd().pop(dirName);
        return dict("result", "'" + name + "' removed");
      }
      return dict("error", "rmdir: cannot remove '" + name + "': Not a directory");
    }
    return dict("error", "rmdir: cannot remove '" + name + "': No such file or directory");
  }

  private Object cp(Object source, Object destination) {
    String src = PyRepr.str(source);
    String dst = PyRepr.str(destination);
    if (!cwd().has(source)) {
      return dict("error", "cp: cannot copy '" + src + "': No such file or directory");
    }
    PyObject item = cwd().getItem(source);
    if (!(item instanceof File) && !(item instanceof Directory)) {
      return dict("error", "cp: cannot copy '" + src + "': Not a file or directory");
    }
    if (PyContainers.contains(destination, "/")) {
      return dict("error", "cp: path not allowed in destination. Provide only a file or directory name.");
    }
    if (cwd().has(destination)) {
      PyObject destItem = cwd().getItem(destination);
      if (destItem instanceof Directory dest) {
        // BFCL looks for "destination/source" inside the destination, which never holds a name with a slash: a
        // name clash there surfaces as _add_file/_add_directory's ValueError instead.
        if (dest.has(dst + "/" + src)) {
          return dict("error", "cp: cannot copy '" + src + "' to '" + dst + "/" + src + "': File exists");
        }
        if (item instanceof File file) {
          dest.addFile(source, file.content, now());
        } else {
          dest.addDirectory(source);
          ((Directory) dest.contents.get(source)).contents = new LinkedHashMap<>(((Directory) item).contents);
        }
        return dict("result", "'" + src + "' copied to '" + dst + "/" + src + "'");
      }
      return dict("error", "cp: cannot copy '" + src + "' to '" + dst + "': Not a directory");
    }
    if (item instanceof File file) {
      cwd().addFile(destination, file.content, now());
    } else {
      cwd().addDirectory(destination);
      // A shallow copy (dict.copy()): both directories hold the same child objects.
      ((Directory) cwd().contents.get(destination)).contents =
          new LinkedHashMap<>(((Directory) item).contents);
    }
    return dict("result", "'" + src + "' copied to '" + dst + "'");
  }

  // ----------------------------------------------------------------------------------------------- private helpers

  /** {@code _navigate_to_directory}: a Directory, or the error dict. */
  private Object navigateToDirectory(Object path) {
    if (path == null || PyEquals.equal(path, ".")) {
      return cwd();
    } else if (PyEquals.equal(path, "/")) {
      return rootDir();
    }
    String p = PyStr.receiver(path, "strip");
    String stripped = PyStr.rstrip(PyStr.lstrip(p, '/'), '/');
    Directory temp = p.startsWith("/") ? rootDir() : cwd();
    for (String dirName : PyStr.split(stripped, '/')) {
      if (temp.getItem(dirName) instanceof Directory next) {
        temp = next;
      } else {
        return dict("error", "cd: '" + p + "': No such file or directory");
      }
    }
    return temp;
  }

  /**
   * {@code _parse_positions} ('1,3,5', '1-5', '-3', '3-'), which no public method calls; kept for completeness. An
   * open end makes Python's range(start, inf + 1) fail.
   */
  static List<Long> parsePositions(String positions) {
    List<Long> result = new ArrayList<>();
    if (positions.contains(",")) {
      for (String part : PyStr.split(positions, ',')) {
        result.addAll(parsePositions(part));
      }
    } else if (positions.contains("-")) {
      List<String> parts = PyStr.split(positions, '-');
      if (parts.size() != 2) {
        throw PyException.valueError(parts.size() < 2 ? "not enough values to unpack (expected 2, got "
            + parts.size() + ")" : "too many values to unpack (expected 2)");
      }
      long start = parts.get(0).isEmpty() ? 1 : pyInt(parts.get(0));
      if (parts.get(1).isEmpty()) {
        throw PyException.typeError("'float' object cannot be interpreted as an integer");
      }
      long end = pyInt(parts.get(1));
      for (long i = start; i < end + 1; i++) {
        result.add(i);
      }
    } else {
      result.add(pyInt(positions));
    }
    return result;
  }

  /** {@code int(s)}, as a long (the positions of a text file). */
  private static long pyInt(String s) {
    return PyNumbers.parseInt(s).longValueExact();
  }

  private LocalDateTime now() {
    return LocalDateTime.now(clock);
  }

  /** {@code _validate_file_or_directory_name}: {@code any(c in name for c in '|/\\?%*:"><')}. */
  private static boolean validName(Object name) {
    for (int i = 0; i < INVALID_NAME_CHARS.length(); i++) {
      if (PyContainers.contains(name, String.valueOf(INVALID_NAME_CHARS.charAt(i)))) {
        return false;
      }
    }
    return true;
  }

  // ------------------------------------------------------------------------------------------ File and Directory

  /** gorilla_file_system.py's {@code File}: vars() holds name, content and the private _last_modified. */
  public static final class File implements PyObject {
    final Object name;
    Object content;
    private LocalDateTime lastModified;

    File(Object name, Object content, LocalDateTime now) {
      this.name = name;
      this.content = content;
      this.lastModified = now;
    }

    public Object name() {
      return name;
    }

    /** The content as stored: a str, unless a call wrote another value (echo writes what it is given). */
    public Object content() {
      return content;
    }

    /** {@code _last_modified}: when the file was made or last written. */
    public LocalDateTime lastModified() {
      return lastModified;
    }

    void write(Object newContent, LocalDateTime now) {
      this.content = newContent;
      this.lastModified = now;
    }

    @Override
    public String pyClassName() {
      return "File";
    }

    @Override
    public Map<String, Object> publicAttributes() {
      return attributes("name", name, "content", content);
    }

    /** File.__eq__: another File with equal name and content. */
    @Override
    public boolean pyEquals(Object other) {
      return other instanceof File f && PyEquals.equal(name, f.name) && PyEquals.equal(content, f.content);
    }

    /** File.__repr__: {@code <<File: name, Content: content>>} with str() of both. */
    @Override
    public String pyRepr() {
      return "<<File: " + PyRepr.str(name) + ", Content: " + PyRepr.str(content) + ">>";
    }
  }

  /**
   * gorilla_file_system.py's {@code Directory}: vars() holds name, parent and contents; the canonical state leaves
   * the parent link out, so publicAttributes() does too.
   */
  public static final class Directory implements PyObject {
    final Object name;
    final Directory parent;
    /** Keys are names (str, or whatever hashable a call passed); the dict itself is shared by mv. */
    Map<Object, PyObject> contents = new LinkedHashMap<>();

    Directory(Object name, Directory parent) {
      this.name = name;
      this.parent = parent;
    }

    public Object name() {
      return name;
    }

    public Directory parent() {
      return parent;
    }

    public Map<Object, PyObject> contents() {
      return contents;
    }

    /** {@code name in self.contents}. */
    boolean has(Object name) {
      PyContainers.requireHashable(name);
      return contents.containsKey(name);
    }

    void pop(Object name) {
      PyContainers.requireHashable(name);
      if (!contents.containsKey(name)) {
        throw PyException.keyError(name);
      }
      contents.remove(name);
    }

    /** {@code _add_file}. */
    void addFile(Object fileName, Object content, LocalDateTime now) {
      if (has(fileName)) {
        throw PyException.valueError("File '" + PyRepr.str(fileName) + "' already exists in directory '"
            + PyRepr.str(name) + "'.");
      }
      contents.put(fileName, new File(fileName, content, now));
    }

    /** {@code _add_directory}. */
    void addDirectory(Object dirName) {
      if (has(dirName)) {
        throw PyException.valueError("Directory '" + PyRepr.str(dirName) + "' already exists in directory '"
            + PyRepr.str(name) + "'.");
      }
      contents.put(dirName, new Directory(dirName, this));
    }

    /** {@code _get_item}: "." is the directory itself, else the entry or null. */
    PyObject getItem(Object itemName) {
      if (PyEquals.equal(itemName, ".")) {
        return this;
      }
      PyContainers.requireHashable(itemName);
      return contents.get(itemName);
    }

    /** {@code _list_contents}: the names, in insertion order. */
    List<Object> listContents() {
      return new ArrayList<>(contents.keySet());
    }

    @Override
    public String pyClassName() {
      return "Directory";
    }

    @Override
    public Map<String, Object> publicAttributes() {
      return attributes("name", name, "contents", contents);
    }

    /** Directory.__eq__: another Directory with equal name and equal contents (the parent is not compared). */
    @Override
    public boolean pyEquals(Object other) {
      return other instanceof Directory d && PyEquals.equal(name, d.name) && PyEquals.equal(contents, d.contents);
    }

    /** Directory.__repr__: the parent by name, the contents as the dict's repr. */
    @Override
    public String pyRepr() {
      return "<Directory: " + PyRepr.str(name) + ", Parent: " + (parent != null ? PyRepr.str(parent.name) : "None")
          + ", Contents: " + PyRepr.repr(contents) + ">";
    }
  }
}
