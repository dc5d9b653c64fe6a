package io.shiq.tests.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.shiq.schemas.kafka.KafkaClients;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleClusterResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTransactionalIdResource;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/** The KafkaUsers of deploy/k8s/strimzi/users.yaml and the Kafka ACLs Strimzi's user operator makes of them. */
final class StrimziAcls {
  private StrimziAcls() {}

  /** Each KafkaUser's name and ACL rules, in file order. */
  static Map<String, List<AclRule>> users() throws Exception {
    Map<String, List<AclRule>> users = new LinkedHashMap<>();
    for (JsonNode doc : DeployFiles.yamlDocuments(Files.readString(DeployFiles.deploy("k8s/strimzi/users.yaml")))) {
      KafkaUser u = StrimziManifestTest.STRICT.treeToValue(doc, KafkaUser.class);
      users.put(u.getMetadata().getName(), ((KafkaUserAuthorizationSimple) u.getSpec().getAuthorization()).getAcls());
    }
    return users;
  }

  /** Creates every user's ACLs (as a super user's {@code clients}) and waits until the broker has them all. */
  static void create(KafkaClients superUser, Map<String, List<AclRule>> users) throws Exception {
    List<AclBinding> bindings = new ArrayList<>();
    users.forEach((user, rules) -> rules.forEach(r -> bindings.addAll(bindings(user, r))));
    try (Admin admin = superUser.admin()) {
      admin.createAcls(bindings).all().get(30, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      int seen = 0;
      while (System.nanoTime() < deadline
          && (seen = admin.describeAcls(AclBindingFilter.ANY).values().get(5, TimeUnit.SECONDS).size())
          != bindings.size()) {
        Thread.sleep(100);
      }
      assertEquals(bindings.size(), seen, "the ACLs are in force");
    }
  }

  /** What Strimzi's user operator makes of a rule: one Kafka ACL per operation, for {@code User:<name>}. */
  static List<AclBinding> bindings(String user, AclRule rule) {
    ResourcePattern pattern;
    if (rule.getResource() instanceof AclRuleTopicResource t) {
      pattern = new ResourcePattern(ResourceType.TOPIC, t.getName(), pattern(t.getPatternType()));
    } else if (rule.getResource() instanceof AclRuleGroupResource g) {
      pattern = new ResourcePattern(ResourceType.GROUP, g.getName(), pattern(g.getPatternType()));
    } else if (rule.getResource() instanceof AclRuleTransactionalIdResource x) {
      pattern = new ResourcePattern(ResourceType.TRANSACTIONAL_ID, x.getName(), pattern(x.getPatternType()));
    } else if (rule.getResource() instanceof AclRuleClusterResource) {
      pattern = new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL);
    } else {
      throw new AssertionError("resource " + rule.getResource());
    }
    return rule.getOperations().stream().map(op -> new AclBinding(pattern, new AccessControlEntry("User:" + user,
        "*", org.apache.kafka.common.utils.SecurityUtils.operation(op.toValue()), AclPermissionType.ALLOW))).toList();
  }

  private static PatternType pattern(AclResourcePatternType t) {
    return t == AclResourcePatternType.PREFIX ? PatternType.PREFIXED : PatternType.LITERAL;
  }
}
