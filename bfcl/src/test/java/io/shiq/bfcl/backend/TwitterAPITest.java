package io.shiq.bfcl.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.bfcl.exec.ExecutionSession;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** TwitterAPI against BFCL's posting_api.py: the golden records, and cases made by running the Python. */
class TwitterAPITest {
  @AfterEach
  void freshDefaults() {
    TwitterAPI.resetSharedDefaults(); // leave no shared default list behind for other tests in this JVM
  }

  @TestFactory
  Stream<DynamicTest> goldenRecords() throws IOException {
    return BackendTestSupport.goldenTests("TwitterAPI", c -> assertTrue(c.calls() > 0 && c.states() > 0,
        "nothing compared"));
  }

  /** TwitterAPITest.jsonl: edge cases and errors, expected values from BFCL's Python (see its first line). */
  @TestFactory
  Stream<DynamicTest> pythonCases() {
    return BackendTestSupport.stepCases("TwitterAPI", "TwitterAPITest.jsonl");
  }

  @Test
  void declaresThePythonMethodsInOrder() {
    TwitterAPI api = new TwitterAPI();
    assertEquals(List.of("authenticate_twitter", "posting_get_login_status", "post_tweet", "retweet", "comment",
        "mention", "follow_user", "list_all_following", "unfollow_user", "get_tweet", "get_user_tweets",
        "search_tweets", "get_tweet_comments", "get_user_stats"), List.copyOf(api.methodNames()));
    assertEquals(List.of("username", "password", "authenticated", "tweets", "comments", "retweets", "following_list",
        "tweet_counter"), List.copyOf(new ExecutionSession(Map.of(), List.of("TwitterAPI"), false).instances()
        .get("TwitterAPI").state().keySet()));
  }

  /** post_tweet's default lists are one pair per process, as Python's are per function; a reset starts a new pair. */
  @Test
  void defaultListsAreSharedAcrossInstancesUntilReset() {
    Map<String, Object> config = Map.of("TwitterAPI", Map.of("authenticated", true));
    Backend a = session(config).instances().get("TwitterAPI");
    Backend b = session(config).instances().get("TwitterAPI");
    a.invoke("post_tweet", List.of("a"), Map.of());
    b.invoke("post_tweet", List.of("b"), Map.of());
    assertSame(mentions(a, 0L), mentions(b, 0L));
    TwitterAPI.resetSharedDefaults();
    Backend c = session(config).instances().get("TwitterAPI");
    c.invoke("post_tweet", List.of("c"), Map.of());
    assertNotSame(mentions(a, 0L), mentions(c, 0L));
    assertEquals(Set.of(), Set.copyOf(mentions(c, 0L)));
  }

  private static ExecutionSession session(Map<String, Object> config) {
    return new ExecutionSession(config, List.of("TwitterAPI"), false);
  }

  @SuppressWarnings("unchecked")
  private static List<Object> mentions(Backend api, Object id) {
    Map<Object, Object> tweets = (Map<Object, Object>) api.state().get("tweets");
    return (List<Object>) ((Map<String, Object>) tweets.get(id)).get("mentions");
  }
}
