package io.shiq.bfcl.backend;

import io.shiq.bfcl.py.PyEquals;
import io.shiq.bfcl.py.PyException;
import io.shiq.bfcl.py.PyRepr;
import io.shiq.bfcl.py.PyTuple;
import io.shiq.bfcl.py.PyTypes;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * BFCL's {@code TwitterAPI} (func_source_code/posting_api.py): posting, retweeting, commenting and following.
 *
 * <p>Attributes hold whatever the scenario or the call supplied, as the Python class does: containers are stored by
 * reference (a posted tweet keeps the caller's lists, {@code list_all_following} hands out the live list), dict
 * lookups follow Python's key equality ({@code 1 == 1.0 == True}), and wrong argument types fail with the exception
 * CPython would raise at the same point.
 */
public class TwitterAPI extends Backend {
  /**
   * {@code post_tweet(..., tags=[], mentions=[])}: Python evaluates each default once, when the module defines the
   * function, so every tweet posted without tags (or mentions) by any instance in the process holds the same list, and
   * {@code mention()} on one such tweet extends the mentions of all of them, in later scenarios too. These statics
   * are that one pair of lists; {@link #resetSharedDefaults} stands for a fresh Python process.
   */
  private static volatile List<Object> sharedTags = new ArrayList<>();

  private static volatile List<Object> sharedMentions = new ArrayList<>();

  private Object username;
  private Object password;
  private Object authenticated;
  private Map<Object, Object> tweets;
  private Object comments;
  private Object retweets;
  private Object followingList;
  private Object tweetCounter;

  public TwitterAPI() {
    define("authenticate_twitter", a -> authenticateTwitter(a.get("username"), a.get("password")),
        Param.req("username"), Param.req("password"));
    define("posting_get_login_status", a -> postingGetLoginStatus());
    define("post_tweet", a -> postTweet(a.get("content"), a.get("tags"), a.get("mentions")), Param.req("content"),
        Param.opt("tags", sharedTags), Param.opt("mentions", sharedMentions));
    define("retweet", a -> retweet(a.get("tweet_id")), Param.req("tweet_id"));
    define("comment", a -> comment(a.get("tweet_id"), a.get("comment_content")), Param.req("tweet_id"),
        Param.req("comment_content"));
    define("mention", a -> mention(a.get("tweet_id"), a.get("mentioned_usernames")), Param.req("tweet_id"),
        Param.req("mentioned_usernames"));
    define("follow_user", a -> followUser(a.get("username_to_follow")), Param.req("username_to_follow"));
    define("list_all_following", a -> listAllFollowing());
    define("unfollow_user", a -> unfollowUser(a.get("username_to_unfollow")), Param.req("username_to_unfollow"));
    define("get_tweet", a -> getTweet(a.get("tweet_id")), Param.req("tweet_id"));
    define("get_user_tweets", a -> getUserTweets(a.get("username")), Param.req("username"));
    define("search_tweets", a -> searchTweets(a.get("keyword")), Param.req("keyword"));
    define("get_tweet_comments", a -> getTweetComments(a.get("tweet_id")), Param.req("tweet_id"));
    define("get_user_stats", a -> getUserStats(a.get("username")), Param.req("username"));
  }

  /**
   * Gives {@code post_tweet} new default lists for instances created from now on: what a new Python process has. Tweets
   * already posted keep the lists they hold.
   */
  public static synchronized void resetSharedDefaults() {
    sharedTags = new ArrayList<>();
    sharedMentions = new ArrayList<>();
  }

  @Override
  public void loadScenario(Map<String, Object> scenario, boolean longContext) {
    username = get(scenario, "username", "john");
    password = get(scenario, "password", "john123");
    authenticated = get(scenario, "authenticated", false);
    // _load_scenario: {int(k): v for k, v in self.tweets.items()}; the keys of comments and retweets stay as loaded.
    Map<?, ?> loaded = asDict(get(scenario, "tweets", new LinkedHashMap<>()), "items");
    tweets = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : loaded.entrySet()) {
      setItem(tweets, pyInt(e.getKey()), e.getValue());
    }
    comments = get(scenario, "comments", new LinkedHashMap<>());
    retweets = get(scenario, "retweets", new LinkedHashMap<>());
    followingList = get(scenario, "following_list", listOf("alice", "bob"));
    tweetCounter = get(scenario, "tweet_counter", 0L);
  }

  @Override
  public Map<String, Object> state() {
    return attributes("username", username, "password", password, "authenticated", authenticated, "tweets", tweets,
        "comments", comments, "retweets", retweets, "following_list", followingList, "tweet_counter", tweetCounter);
  }

  private Map<String, Object> authenticateTwitter(Object user, Object pass) {
    if (PyEquals.equal(user, username) && PyEquals.equal(pass, password)) {
      authenticated = true;
      return result("authentication_status", true);
    }
    return result("authentication_status", false);
  }

  private Map<String, Object> postingGetLoginStatus() {
    return result("login_status", Args.truthy(authenticated));
  }

  private Object postTweet(Object content, Object tags, Object mentions) {
    if (!Args.truthy(authenticated)) {
      return result("error", "User not authenticated. Please authenticate before posting.");
    }
    Map<String, Object> tweet = new LinkedHashMap<>();
    tweet.put("id", tweetCounter);
    tweet.put("username", username);
    tweet.put("content", content);
    tweet.put("tags", tags);
    tweet.put("mentions", mentions);
    setItem(tweets, tweetCounter, tweet);
    tweetCounter = plusOne(tweetCounter);
    return tweet;
  }

  private Map<String, Object> retweet(Object tweetId) {
    if (!Args.truthy(authenticated)) {
      return result("error", "User not authenticated. Please authenticate before retweeting.");
    }
    if (findKey(tweets, tweetId) == MISSING) {
      return notFound(tweetId);
    }
    Map<Object, Object> byUser = asDict(retweets, "get");
    if (findKey(byUser, username) == MISSING) {
      setItem(byUser, username, new ArrayList<>());
    }
    Object mine = getItem(byUser, username);
    if (contains(mine, tweetId)) {
      return result("retweet_status", "Already retweeted");
    }
    append(mine, tweetId);
    return result("retweet_status", "Successfully retweeted");
  }

  private Map<String, Object> comment(Object tweetId, Object commentContent) {
    if (!Args.truthy(authenticated)) {
      return result("error", "User not authenticated. Please authenticate before commenting.");
    }
    if (findKey(tweets, tweetId) == MISSING) {
      return notFound(tweetId);
    }
    Map<Object, Object> byTweet = asDict(comments, "get");
    // The new key is the argument itself: comment(tweet_id=1.0) files under 1.0; a loaded "1" is another key.
    if (findKey(byTweet, tweetId) == MISSING) {
      setItem(byTweet, tweetId, new ArrayList<>());
    }
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("username", username);
    entry.put("content", commentContent);
    append(getItem(byTweet, tweetId), entry);
    return result("comment_status", "Comment added successfully");
  }

  private Map<String, Object> mention(Object tweetId, Object mentionedUsernames) {
    // No authentication check here, as in posting_api.py.
    if (findKey(tweets, tweetId) == MISSING) {
      return notFound(tweetId);
    }
    Object mentions = getItem(getItem(tweets, tweetId), "mentions");
    if (!(mentions instanceof List<?>)) {
      throw PyException.attributeError("'" + PyTypes.name(mentions) + "' object has no attribute 'extend'");
    }
    // list.extend takes any iterable: a str adds its characters one by one.
    @SuppressWarnings("unchecked")
    List<Object> target = (List<Object>) mentions;
    target.addAll(iterate(mentionedUsernames));
    return result("mention_status", "Users mentioned successfully");
  }

  private Map<String, Object> followUser(Object user) {
    if (!Args.truthy(authenticated)) {
      return result("error", "User not authenticated. Please authenticate before following.");
    }
    if (contains(followingList, user)) {
      return result("follow_status", false);
    }
    append(followingList, user);
    return result("follow_status", true);
  }

  private Map<String, Object> listAllFollowing() {
    if (!Args.truthy(authenticated)) {
      return result("error", "User not authenticated. Please authenticate before listing following.");
    }
    return result("following_list", followingList);
  }

  private Map<String, Object> unfollowUser(Object user) {
    if (!Args.truthy(authenticated)) {
      return result("error", "User not authenticated. Please authenticate before unfollowing.");
    }
    if (!contains(followingList, user)) {
      return result("unfollow_status", false);
    }
    if (!(followingList instanceof List<?> list)) {
      throw PyException.attributeError("'" + PyTypes.name(followingList) + "' object has no attribute 'remove'");
    }
    for (int i = 0; i < list.size(); i++) {
      if (PyEquals.equal(list.get(i), user)) {
        list.remove(i);
        break;
      }
    }
    return result("unfollow_status", true);
  }

  private Object getTweet(Object tweetId) {
    Object key = findKey(tweets, tweetId);
    if (key == MISSING) {
      return notFound(tweetId);
    }
    return tweets.get(key);
  }

  private List<Object> getUserTweets(Object user) {
    List<Object> out = new ArrayList<>();
    for (Object tweet : tweets.values()) {
      if (PyEquals.equal(getItem(tweet, "username"), user)) {
        out.add(tweet);
      }
    }
    return out;
  }

  private List<Object> searchTweets(Object keyword) {
    List<Object> out = new ArrayList<>();
    // Python evaluates keyword.lower() per tweet, and the tags only when the content does not match.
    // The list comprehension lowers every tag before the membership test.
    for (Object tweet : tweets.values()) {
      String kw = lower(keyword);
      boolean match = lower(getItem(tweet, "content")).contains(kw);
      if (!match) {
        List<String> tags = new ArrayList<>();
        for (Object tag : iterate(getItem(tweet, "tags"))) {
          tags.add(lower(tag));
        }
        match = tags.contains(kw);
      }
      if (match) {
        out.add(tweet);
      }
    }
    return out;
  }

  private Object getTweetComments(Object tweetId) {
    if (findKey(tweets, tweetId) == MISSING) {
      return notFound(tweetId);
    }
    Map<Object, Object> byTweet = asDict(comments, "get");
    Object key = findKey(byTweet, tweetId);
    return key == MISSING ? new ArrayList<>() : byTweet.get(key);
  }

  private Map<String, Object> getUserStats(Object user) {
    long tweetCount = 0;
    for (Object tweet : tweets.values()) {
      if (PyEquals.equal(getItem(tweet, "username"), user)) {
        tweetCount++;
      }
    }
    long followingCount = PyEquals.equal(user, username) ? len(followingList) : 0;
    Map<Object, Object> byUser = asDict(retweets, "get");
    Object key = findKey(byUser, user);
    long retweetCount = key == MISSING ? 0 : len(byUser.get(key));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("tweet_count", tweetCount);
    out.put("following_count", followingCount);
    out.put("retweet_count", retweetCount);
    return out;
  }

  private static Map<String, Object> notFound(Object tweetId) {
    return result("error", "Tweet with ID " + PyRepr.str(tweetId) + " not found.");
  }

  private static Map<String, Object> result(String key, Object value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(key, value);
    return m;
  }

  // ---- Python semantics of the few operations posting_api.py applies to its values ----

  private static final Object MISSING = new Object();

  /** The key of {@code m} that Python's dict lookup finds for {@code key}, or MISSING; unhashable keys raise. */
  static Object findKey(Map<?, ?> m, Object key) {
    checkHashable(key);
    if (m.containsKey(key)) {
      return key;
    }
    for (Object k : m.keySet()) {
      if (PyEquals.equal(k, key)) {
        return k;
      }
    }
    return MISSING;
  }

  private static void checkHashable(Object key) {
    if (key instanceof List || key instanceof Map || key instanceof Set) {
      throw PyException.typeError("unhashable type: '" + PyTypes.name(key) + "'");
    }
    if (key instanceof PyTuple t) {
      t.items().forEach(TwitterAPI::checkHashable);
    }
  }

  /** {@code d[key] = value}: an equal key already there keeps its own identity and position. */
  @SuppressWarnings("unchecked")
  private static void setItem(Map<?, ?> m, Object key, Object value) {
    Object existing = findKey(m, key);
    ((Map<Object, Object>) m).put(existing == MISSING ? key : existing, value);
  }

  /** {@code container[key]} for the str keys and dict lookups posting_api.py does. */
  private static Object getItem(Object container, Object key) {
    if (container instanceof Map<?, ?> m) {
      Object k = findKey(m, key);
      if (k == MISSING) {
        throw PyException.keyError(key);
      }
      return m.get(k);
    }
    String type = PyTypes.name(container);
    if (container instanceof String) {
      throw PyException.typeError("string indices must be integers, not '" + PyTypes.name(key) + "'");
    }
    if (container instanceof List || container instanceof PyTuple) {
      throw PyException.typeError(type + " indices must be integers or slices, not " + PyTypes.name(key));
    }
    throw PyException.typeError("'" + type + "' object is not subscriptable");
  }

  @SuppressWarnings("unchecked")
  private static Map<Object, Object> asDict(Object v, String method) {
    if (v instanceof Map<?, ?> m) {
      return (Map<Object, Object>) m;
    }
    throw PyException.attributeError("'" + PyTypes.name(v) + "' object has no attribute '" + method + "'");
  }

  /** Python's {@code x in container}. */
  private static boolean contains(Object container, Object x) {
    if (container instanceof String s) {
      if (!(x instanceof String sub)) {
        throw PyException.typeError("'in <string>' requires string as left operand, not " + PyTypes.name(x));
      }
      return s.contains(sub);
    }
    if (container instanceof Map<?, ?> m) {
      return findKey(m, x) != MISSING;
    }
    if (container instanceof Set<?>) {
      checkHashable(x);
    }
    for (Object item : iterate(container)) {
      if (PyEquals.equal(item, x)) {
        return true;
      }
    }
    return false;
  }

  @SuppressWarnings("unchecked")
  private static void append(Object list, Object item) {
    if (!(list instanceof List<?>)) {
      throw PyException.attributeError("'" + PyTypes.name(list) + "' object has no attribute 'append'");
    }
    ((List<Object>) list).add(item);
  }

  /** The items Python's {@code for x in v} yields (a str yields its characters, a dict its keys). */
  private static List<Object> iterate(Object v) {
    if (v instanceof String s) {
      List<Object> chars = new ArrayList<>();
      s.codePoints().forEach(c -> chars.add(new String(Character.toChars(c))));
      return chars;
    }
    if (v instanceof List<?> l) {
      return new ArrayList<>(l);
    }
    if (v instanceof PyTuple t) {
      return new ArrayList<>(t.items());
    }
    if (v instanceof Map<?, ?> m) {
      return new ArrayList<>(m.keySet());
    }
    if (v instanceof Set<?> s) {
      return new ArrayList<>(s);
    }
    throw PyException.typeError("'" + PyTypes.name(v) + "' object is not iterable");
  }

  private static long len(Object v) {
    if (v instanceof String s) {
      return s.codePointCount(0, s.length());
    }
    if (v instanceof List<?> l) {
      return l.size();
    }
    if (v instanceof PyTuple t) {
      return t.items().size();
    }
    if (v instanceof Map<?, ?> m) {
      return m.size();
    }
    if (v instanceof Set<?> s) {
      return s.size();
    }
    throw PyException.typeError("object of type '" + PyTypes.name(v) + "' has no len()");
  }

  /** {@code s.lower()}. */
  private static String lower(Object v) {
    if (v instanceof String s) {
      return s.toLowerCase(Locale.ROOT);
    }
    throw PyException.attributeError("'" + PyTypes.name(v) + "' object has no attribute 'lower'");
  }

  /** {@code n += 1}. */
  private static Object plusOne(Object n) {
    if (n instanceof Boolean b) {
      return b ? 2L : 1L;
    }
    if (n instanceof Long l) {
      return l == Long.MAX_VALUE ? BigInteger.valueOf(l).add(BigInteger.ONE) : (Object) (l + 1);
    }
    if (n instanceof Integer i) {
      return i + 1L;
    }
    if (n instanceof BigInteger i) {
      return i.add(BigInteger.ONE);
    }
    if (n instanceof Double d) {
      return d + 1.0;
    }
    if (n instanceof String) {
      throw PyException.typeError("can only concatenate str (not \"int\") to str");
    }
    if (n instanceof List<?>) {
      throw PyException.typeError("'int' object is not iterable"); // list += is list.extend
    }
    if (n instanceof PyTuple) {
      throw PyException.typeError("can only concatenate tuple (not \"int\") to tuple");
    }
    throw PyException.typeError("unsupported operand type(s) for +=: '" + PyTypes.name(n) + "' and 'int'");
  }

  /** Python's {@code int(k)} for the keys of a loaded {@code tweets} dict. */
  static Object pyInt(Object k) {
    if (k instanceof Boolean b) {
      return b ? 1L : 0L;
    }
    if (k instanceof Long || k instanceof Integer) {
      return ((Number) k).longValue();
    }
    if (k instanceof BigInteger i) {
      return normalize(i);
    }
    if (k instanceof Double d) {
      if (d.isNaN()) {
        throw PyException.valueError("cannot convert float NaN to integer");
      }
      if (d.isInfinite()) {
        throw new PyException("OverflowError", "cannot convert float infinity to integer");
      }
      return normalize(new BigDecimal(d).toBigInteger());
    }
    if (k instanceof String s) {
      Object parsed = parseIntLiteral(s);
      if (parsed == null) {
        throw PyException.valueError("invalid literal for int() with base 10: " + PyRepr.repr(s));
      }
      return parsed;
    }
    throw PyException.typeError("int() argument must be a string, a bytes-like object or a real number, not '"
        + PyTypes.name(k) + "'");
  }

  /**
   * CPython's int(str) in base 10: non-ASCII white space and decimal digits count as their ASCII forms, ASCII white
   * space around the number, an optional sign, digits with single underscores between them. Null when invalid.
   */
  private static Object parseIntLiteral(String s) {
    StringBuilder ascii = new StringBuilder();
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      i += Character.charCount(c);
      if (c < 128) {
        ascii.append((char) c);
      } else if (isPySpace(c)) {
        ascii.append(' ');
      } else if (Character.getType(c) == Character.DECIMAL_DIGIT_NUMBER) {
        ascii.append((char) ('0' + Character.digit(c, 10)));
      } else {
        return null;
      }
    }
    // Only ASCII white space is stripped here (Py_ISSPACE): int("\x1c1") fails although "\x1c".isspace().
    String t = ascii.toString().replaceAll("^[ \\t\\n\\x0b\\f\\r]+|[ \\t\\n\\x0b\\f\\r]+$", "");
    int start = t.startsWith("+") || t.startsWith("-") ? 1 : 0;
    String body = t.substring(start);
    if (!body.matches("[0-9]+(_[0-9]+)*")) {
      return null;
    }
    BigInteger v = new BigInteger(body.replace("_", ""));
    return normalize(t.startsWith("-") ? v.negate() : v);
  }

  /** Python's str.isspace for one non-ASCII character. */
  private static boolean isPySpace(int c) {
    byte dir = Character.getDirectionality(c);
    return Character.getType(c) == Character.SPACE_SEPARATOR || dir == Character.DIRECTIONALITY_WHITESPACE
        || dir == Character.DIRECTIONALITY_PARAGRAPH_SEPARATOR || dir == Character.DIRECTIONALITY_SEGMENT_SEPARATOR;
  }

  private static Object normalize(BigInteger i) {
    return i.bitLength() < 64 ? (Object) i.longValue() : i;
  }
}
