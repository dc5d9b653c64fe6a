package io.shiq.bfcl.backend;

import io.shiq.bfcl.py.PyContainers;
import io.shiq.bfcl.py.PyEquals;
import io.shiq.bfcl.py.PyNumbers;
import io.shiq.bfcl.py.PyOperators;
import io.shiq.bfcl.py.PyRepr;
import io.shiq.bfcl.py.PyStr;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    Map<?, ?> loaded = PyContainers.asDict(get(scenario, "tweets", new LinkedHashMap<>()), "items");
    tweets = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : loaded.entrySet()) {
      PyContainers.setItem(tweets, PyNumbers.intValue(PyNumbers.toInt(e.getKey())), e.getValue());
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
      return dict("authentication_status", true);
    }
    return dict("authentication_status", false);
  }

  private Map<String, Object> postingGetLoginStatus() {
    return dict("login_status", Args.truthy(authenticated));
  }

  private Object postTweet(Object content, Object tags, Object mentions) {
    if (!Args.truthy(authenticated)) {
      return dict("error", "User not authenticated. Please authenticate before posting.");
    }
    Map<String, Object> tweet = new LinkedHashMap<>();
    tweet.put("id", tweetCounter);
    tweet.put("username", username);
    tweet.put("content", content);
    tweet.put("tags", tags);
    tweet.put("mentions", mentions);
    PyContainers.setItem(tweets, tweetCounter, tweet);
    tweetCounter = PyOperators.iadd(tweetCounter, 1L);
    return tweet;
  }

  private Map<String, Object> retweet(Object tweetId) {
    if (!Args.truthy(authenticated)) {
      return dict("error", "User not authenticated. Please authenticate before retweeting.");
    }
    if (!PyContainers.contains(tweets, tweetId)) {
      return notFound(tweetId);
    }
    Map<Object, Object> byUser = PyContainers.asDict(retweets, "get");
    if (!PyContainers.contains(byUser, username)) {
      PyContainers.setItem(byUser, username, new ArrayList<>());
    }
    Object mine = PyContainers.getItem(byUser, username);
    if (PyContainers.contains(mine, tweetId)) {
      return dict("retweet_status", "Already retweeted");
    }
    PyContainers.append(mine, tweetId);
    return dict("retweet_status", "Successfully retweeted");
  }

  private Map<String, Object> comment(Object tweetId, Object commentContent) {
    if (!Args.truthy(authenticated)) {
      return dict("error", "User not authenticated. Please authenticate before commenting.");
    }
    if (!PyContainers.contains(tweets, tweetId)) {
      return notFound(tweetId);
    }
    Map<Object, Object> byTweet = PyContainers.asDict(comments, "get");
    // The new key is the argument itself: comment(tweet_id=1.0) files under 1.0; a loaded "1" is another key.
    if (!PyContainers.contains(byTweet, tweetId)) {
      PyContainers.setItem(byTweet, tweetId, new ArrayList<>());
    }
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("username", username);
    entry.put("content", commentContent);
    PyContainers.append(PyContainers.getItem(byTweet, tweetId), entry);
    return dict("comment_status", "Comment added successfully");
  }

  private Map<String, Object> mention(Object tweetId, Object mentionedUsernames) {
    // No authentication check here, as in posting_api.py.
    if (!PyContainers.contains(tweets, tweetId)) {
      return notFound(tweetId);
    }
    List<Object> mentions = PyContainers.asList(PyContainers.getItem(PyContainers.getItem(tweets, tweetId),
        "mentions"), "extend");
    // list.extend takes any iterable: a str adds its characters one by one.
    mentions.addAll(PyContainers.iterate(mentionedUsernames));
    return dict("mention_status", "Users mentioned successfully");
  }

  private Map<String, Object> followUser(Object user) {
    if (!Args.truthy(authenticated)) {
      return dict("error", "User not authenticated. Please authenticate before following.");
    }
    if (PyContainers.contains(followingList, user)) {
      return dict("follow_status", false);
    }
    PyContainers.append(followingList, user);
    return dict("follow_status", true);
  }

  private Map<String, Object> listAllFollowing() {
    if (!Args.truthy(authenticated)) {
      return dict("error", "User not authenticated. Please authenticate before listing following.");
    }
    return dict("following_list", followingList);
  }

  private Map<String, Object> unfollowUser(Object user) {
    if (!Args.truthy(authenticated)) {
      return dict("error", "User not authenticated. Please authenticate before unfollowing.");
    }
    if (!PyContainers.contains(followingList, user)) {
      return dict("unfollow_status", false);
    }
    List<Object> list = PyContainers.asList(followingList, "remove");
    for (int i = 0; i < list.size(); i++) {
      if (PyEquals.equal(list.get(i), user)) {
        list.remove(i);
        break;
      }
    }
    return dict("unfollow_status", true);
  }

  private Object getTweet(Object tweetId) {
    if (!PyContainers.contains(tweets, tweetId)) {
      return notFound(tweetId);
    }
    return PyContainers.getItem(tweets, tweetId);
  }

  private List<Object> getUserTweets(Object user) {
    List<Object> out = new ArrayList<>();
    for (Object tweet : tweets.values()) {
      if (PyEquals.equal(PyContainers.getItem(tweet, "username"), user)) {
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
      String kw = PyStr.lower(keyword);
      boolean match = PyStr.lower(PyContainers.getItem(tweet, "content")).contains(kw);
      if (!match) {
        List<String> tags = new ArrayList<>();
        for (Object tag : PyContainers.iterate(PyContainers.getItem(tweet, "tags"))) {
          tags.add(PyStr.lower(tag));
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
    if (!PyContainers.contains(tweets, tweetId)) {
      return notFound(tweetId);
    }
    return PyContainers.dictGet(comments, tweetId, new ArrayList<>());
  }

  private Map<String, Object> getUserStats(Object user) {
    long tweetCount = 0;
    for (Object tweet : tweets.values()) {
      if (PyEquals.equal(PyContainers.getItem(tweet, "username"), user)) {
        tweetCount++;
      }
    }
    long followingCount = PyEquals.equal(user, username) ? PyContainers.len(followingList) : 0;
    long retweetCount = PyContainers.len(PyContainers.dictGet(retweets, user, new ArrayList<>()));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("tweet_count", tweetCount);
    out.put("following_count", followingCount);
    out.put("retweet_count", retweetCount);
    return out;
  }

  private static Map<String, Object> notFound(Object tweetId) {
    return dict("error", "Tweet with ID " + PyRepr.str(tweetId) + " not found.");
  }
}
