package io.shiq.bfcl.backend;

import io.shiq.bfcl.py.PyContainers;
import io.shiq.bfcl.py.PyEquals;
import io.shiq.bfcl.py.PyException;
import io.shiq.bfcl.py.PyOperators;
import io.shiq.bfcl.py.PyRandom;
import io.shiq.bfcl.py.PyRepr;
import io.shiq.bfcl.py.PyStr;
import io.shiq.bfcl.py.PyTypes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * BFCL's {@code MessageAPI} ({@code func_source_code/message_api.py}): users, a login, and an inbox of one-entry
 * dicts {@code {receiver_id: message}}. Message ids come from {@code random.Random(random_seed)} (default 200191),
 * drawn with {@code randint(10000, 99999)} until one is new, as in Python.
 *
 * <p>The state holds the scenario's own objects (the executor hands a deep copy), mutated in place as Python does.
 */
public class MessageAPI extends Backend {
  private static final long DEFAULT_SEED = 200191;

  private boolean loaded;
  private PyRandom random;
  private Object generatedIds;
  private Object userCount;
  private Map<Object, Object> userMap;
  private List<Object> inbox;
  private Object messageCount;
  private Object currentUser;

  public MessageAPI() {
    define("list_users", a -> listUsers());
    define("get_user_id", a -> getUserId(a.get("user")), Param.req("user"));
    define("message_login", a -> messageLogin(a.get("user_id")), Param.req("user_id"));
    define("message_get_login_status", a -> messageGetLoginStatus());
    define("send_message", a -> sendMessage(a.get("receiver_id"), a.get("message")), Param.req("receiver_id"),
        Param.req("message"));
    define("delete_message", a -> deleteMessage(a.get("receiver_id")), Param.req("receiver_id"));
    define("view_messages_sent", a -> viewMessagesSent());
    define("add_contact", a -> addContact(a.get("user_name")), Param.req("user_name"));
    define("search_messages", a -> searchMessages(a.get("keyword")), Param.req("keyword"));
    define("get_message_stats", a -> getMessageStats());
  }

  /** DEFAULT_STATE of message_api.py, fresh (its deepcopy). */
  private static Map<String, Object> defaultState() {
    Map<String, Object> userMap = new LinkedHashMap<>();
    userMap.put("Alice", "USR001");
    userMap.put("Bob", "USR002");
    userMap.put("Catherine", "USR003");
    userMap.put("Daniel", "USR004");
    List<Object> inbox = new ArrayList<>();
    inbox.add(entry("USR002", "My name is Alice. I want to connect."));
    inbox.add(entry("USR003", "Could you upload the file?"));
    inbox.add(entry("USR004", "Could you upload the file?"));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("generated_ids", new LinkedHashSet<>());
    m.put("user_count", 4L);
    m.put("user_map", userMap);
    m.put("inbox", inbox);
    m.put("message_count", 3L);
    m.put("current_user", null);
    return m;
  }

  private static Map<Object, Object> entry(Object key, Object value) {
    Map<Object, Object> m = new LinkedHashMap<>();
    m.put(key, value);
    return m;
  }

  @Override
  @SuppressWarnings("unchecked")
  public void loadScenario(Map<String, Object> scenario, boolean longContext) {
    Map<String, Object> defaults = defaultState();
    Object seed = get(scenario, "random_seed", DEFAULT_SEED);
    random = PyRandom.seeded(seed);
    generatedIds = get(scenario, "generated_ids", defaults.get("generated_ids"));
    userCount = get(scenario, "user_count", defaults.get("user_count"));
    userMap = (Map<Object, Object>) get(scenario, "user_map", defaults.get("user_map"));
    inbox = (List<Object>) get(scenario, "inbox", defaults.get("inbox"));
    messageCount = get(scenario, "message_count", defaults.get("message_count"));
    currentUser = get(scenario, "current_user", defaults.get("current_user"));
    loaded = true;
  }

  @Override
  public Map<String, Object> state() {
    if (!loaded) {
      return new LinkedHashMap<>(); // before _load_scenario, vars() holds only _api_description
    }
    return attributes("generated_ids", generatedIds, "user_count", userCount, "user_map", userMap, "inbox", inbox,
        "message_count", messageCount, "current_user", currentUser);
  }

  private static Map<String, Object> error(String message) {
    return dict("error", message);
  }

  private static String str(Object v) {
    return PyRepr.str(v);
  }

  /** {@code x in d.values()}. */
  private static boolean inValues(Map<?, ?> d, Object x) {
    return PyContainers.contains(new ArrayList<>(d.values()), x);
  }

  /** {@code list(message.items())[0]} of an inbox entry. */
  private static Map.Entry<?, ?> firstItem(Object message) {
    Map<Object, Object> m = PyContainers.asDict(message, "items");
    if (m.isEmpty()) {
      throw PyException.indexError("list index out of range");
    }
    return m.entrySet().iterator().next();
  }

  /** {@code if not self.current_user}. */
  private boolean loggedOut() {
    return !Args.truthy(currentUser);
  }

  /** _generate_id: randint(10000, 99999) until the id is not in generated_ids, which then gets it. */
  @SuppressWarnings("unchecked")
  private Map<String, Object> generateId() {
    long newId = random.randint(10000, 99999);
    while (PyContainers.contains(generatedIds, newId)) {
      newId = random.randint(10000, 99999);
    }
    if (!(generatedIds instanceof Set<?>)) {
      throw PyException.noAttribute(generatedIds, "add");
    }
    ((Set<Object>) generatedIds).add(newId);
    return dict("new_id", newId);
  }

  private Object listUsers() {
    return dict("user_list", new ArrayList<>(userMap.keySet()));
  }

  private Object getUserId(Object user) {
    if (!PyContainers.contains(userMap, user)) {
      return error("User '" + str(user) + "' not found in the workspace.");
    }
    return dict("user_id", PyContainers.getItem(userMap, user));
  }

  private Object messageLogin(Object userId) {
    if (!inValues(userMap, userId)) {
      return dict("login_status", false, "message", "User ID '" + str(userId) + "' not found.");
    }
    currentUser = userId;
    return dict("login_status", true, "message", "User '" + str(userId) + "' logged in successfully.");
  }

  private Object messageGetLoginStatus() {
    return dict("login_status", Args.truthy(currentUser));
  }

  private Object sendMessage(Object receiverId, Object message) {
    if (loggedOut()) {
      return error("No user is currently logged in.");
    }
    if (!inValues(userMap, receiverId)) {
      return error("Receiver ID '" + str(receiverId) + "' not found.");
    }
    Map<String, Object> messageId = generateId();
    PyContainers.requireHashable(receiverId);
    inbox.add(entry(receiverId, message));
    messageCount = PyOperators.iadd(messageCount, 1L);
    return dict("sent_status", true, "message_id", messageId, "message",
        "Message sent to '" + str(receiverId) + "' successfully.");
  }

  private Object deleteMessage(Object receiverId) {
    if (loggedOut()) {
      return error("No user is currently logged in.");
    }
    for (Object message : reversed(inbox)) {
      Object receiver = firstItem(message).getKey();
      if (PyEquals.equal(receiver, receiverId)) {
        // list.remove drops the first entry equal to this one, which need not be this one.
        for (int i = 0; i < inbox.size(); i++) {
          if (inbox.get(i) == message || PyEquals.equal(inbox.get(i), message)) {
            inbox.remove(i);
            break;
          }
        }
        return dict("deleted_status", true, "receiver_id", receiver, "message",
            "Receiver " + str(receiverId) + "'s latest message deleted successfully.");
      }
    }
    return error("Receiver ID " + str(receiverId) + " not found.");
  }

  private static List<Object> reversed(List<Object> l) {
    List<Object> r = new ArrayList<>(l);
    java.util.Collections.reverse(r);
    return r;
  }

  private Object viewMessagesSent() {
    if (loggedOut()) {
      return error("No user is currently logged in.");
    }
    Map<Object, Object> sent = new LinkedHashMap<>();
    for (Object message : inbox) {
      Map.Entry<?, ?> item = firstItem(message);
      if (!PyContainers.contains(sent, item.getKey())) {
        List<Object> contents = new ArrayList<>();
        contents.add(item.getValue());
        sent.put(item.getKey(), contents);
      } else {
        PyContainers.append(PyContainers.getItem(sent, item.getKey()), item.getValue());
      }
    }
    return dict("messages", sent);
  }

  private Object addContact(Object userName) {
    if (PyContainers.contains(userMap, userName)) {
      return error("User name '" + str(userName) + "' already exists.");
    }
    userCount = PyOperators.iadd(userCount, 1L);
    String userId = "USR" + PyStr.zfill(str(userCount), 3);
    if (inValues(userMap, userId)) {
      return error("User ID '" + userId + "' already exists.");
    }
    userMap.put(userName, userId);
    return dict("added_status", true, "user_id", userId, "message",
        "Contact '" + str(userName) + "' added successfully.");
  }

  private Object searchMessages(Object keyword) {
    if (loggedOut()) {
      return error("No user is currently logged in.");
    }
    String keywordLower = PyStr.lower(keyword);
    List<Object> results = new ArrayList<>();
    for (Object message : inbox) {
      Map.Entry<?, ?> item = firstItem(message);
      if (PyStr.lower(item.getValue()).contains(keywordLower)) {
        results.add(dict("receiver_id", item.getKey(), "message", item.getValue()));
      }
    }
    return dict("results", results);
  }

  private Object getMessageStats() {
    if (loggedOut()) {
      return error("No user is currently logged in.");
    }
    long receivedCount = 0;
    List<Object> contacts = new ArrayList<>();
    for (Object message : inbox) {
      Object receiver = firstItem(message).getKey();
      receivedCount += 1;
      if (!PyContainers.contains(contacts, receiver)) {
        contacts.add(receiver);
      }
    }
    return dict("stats", dict("received_count", receivedCount, "total_contacts", (long) contacts.size()));
  }
}
