package io.shiq.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.shiq.envs.StoryKeywordEnvironment;
import io.shiq.actor.loop.ActorLoop;
import io.shiq.actor.weights.WeightSubscriber;
import io.shiq.avro.Role;
import io.shiq.avro.Trajectory;
import io.shiq.avro.Turn;
import io.shiq.learner.publish.WeightPublisher;
import io.shiq.policy.PolicyModel;
import io.shiq.policy.generate.SamplingParams;
import io.shiq.policy.model.LlamaWeights;
import io.shiq.schemas.serde.AvroDeserializer;
import io.shiq.schemas.serde.AvroSerializer;
import io.shiq.schemas.topic.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import io.shiq.policy.TestData;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The actor's episode loop on stories260K: valid trajectories through the registry, and a weight swap between batches. */
@ExtendWith(KafkaExtension.class)
class ActorLoopTest {

  private static Path stories() {
    return TestData.require("stories260k");
  }

  /** An episode the environment wants to continue, cut because the actor ran out of turns, is truncated. */
  @Test
  void anEpisodeCutBeforeTheEnvironmentEndsItIsTruncated(TestKafka kafka) throws Exception {
    Topics topics = kafka.newTopics();
    AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>(kafka.registryClient());
    serializer.configure(Map.of("schema.registry.url", kafka.registryUrl()), false);
    io.shiq.envs.Environment endless = new io.shiq.envs.Environment() {
      @Override
      public String id() {
        return "endless";
      }

      @Override
      public Episode start(long seed) {
        return new Episode() {
          @Override
          public String taskId() {
            return "endless";
          }

          @Override
          public List<Observation> opening() {
            return List.of(new Observation(Role.USER, new int[] {1}, "<s>"));
          }

          @Override
          public Step act(int[] tokens, String text) {
            return new Step(List.of(new Observation(Role.USER, new int[] {1}, "<s>")), 0.0, false);
          }
        };
      }
    };
    try (PolicyModel model = PolicyModel.load(stories(), Device.cpu());
         KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(kafka.producerProps(),
             new StringSerializer(), serializer);
         ActorLoop loop = new ActorLoop(model.weights().copy(), 0, model.tokenizer(), endless,
             new ActorLoop.Settings("actor-cut", "main", 2, 2, SamplingParams.sample(1.0, 4, Set.of(), 3), 5),
             producer, topics, null)) {
      for (Trajectory t : loop.runBatch()) {
        assertFalse(t.getDone(), t.getTrajectoryId());
        assertTrue(t.getTruncated(), t.getTrajectoryId() + ": cut after 2 turns, the environment not done");
        assertEquals(5, t.getTurns().size(), "opening, then 2 x (answer, observation)");
      }
    }
  }

  @Test
  void anActorEmitsValidTrajectoriesAndSwapsWeightsBetweenBatches(TestKafka kafka) throws Exception {
    Topics topics = kafka.newTopics();
    AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>(kafka.registryClient());
    serializer.configure(Map.of("schema.registry.url", kafka.registryUrl()), false);
    try (PolicyModel model = PolicyModel.load(stories(), Device.cpu());
         KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(kafka.producerProps(),
             new StringSerializer(), serializer);
         var admin = kafka.admin()) {
      ActorLoop.Settings settings = new ActorLoop.Settings("actor-t", "main", 4, 1,
          SamplingParams.sample(1.0, 24, Set.of(1, 2), 3), 11);
      WeightSubscriber subscriber = new WeightSubscriber(kafka.clients(), topics,
          "main", 0, Device.cpu());
      try (ActorLoop loop = new ActorLoop(model.weights().copy(), 0, model.tokenizer(),
          StoryKeywordEnvironment.defaults(model.tokenizer()), settings, producer, topics, subscriber)) {
        List<Trajectory> first = loop.runBatch();
        try (LlamaWeights next = model.weights().copy()) {
          new WeightPublisher(producer, admin, topics, WeightPublisher.DEFAULT_CHUNK_BYTES, 3)
              .publish("main", 7, 700, next, "shiq", 0L);
        }
        List<Trajectory> second = loop.runBatch();
        assertEquals(7, loop.version());
        try (LlamaWeights next = model.weights().copy()) {
          new WeightPublisher(producer, admin, topics, WeightPublisher.DEFAULT_CHUNK_BYTES, 3)
              .publish("main", 8, 800, next, "shiq", 7L);
        }
        List<Trajectory> third = loop.runBatch();
        assertEquals(8, loop.version(), "v7 then v8: switched between batches");
        assertTrue(third.stream().allMatch(t -> t.getPolicyVersion() == 8));
        assertTrue(first.stream().allMatch(t -> t.getPolicyVersion() == 0));
        assertTrue(second.stream().allMatch(t -> t.getPolicyVersion() == 7
            && t.getTurns().stream().filter(x -> x.getRole() == Role.ASSISTANT).allMatch(x -> x.getPolicyVersion() == 7)));

        Map<String, Trajectory> sent = new HashMap<>();
        first.forEach(t -> sent.put(t.getTrajectoryId(), t));
        second.forEach(t -> sent.put(t.getTrajectoryId(), t));
        third.forEach(t -> sent.put(t.getTrajectoryId(), t));
        Map<String, Trajectory> received = new HashMap<>();
        try (KafkaConsumer<String, Trajectory> consumer = new KafkaConsumer<>(kafka.consumerProps("read-"
            + UUID.randomUUID()), new StringDeserializer(), new AvroDeserializer<>(kafka.registryClient(),
            Trajectory.class))) {
          consumer.subscribe(List.of(topics.trajectories()));
          long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
          while (received.size() < sent.size() && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(r -> {
              assertEquals(r.key(), r.value().getTrajectoryId(), "keyed by trajectory (= episode) id");
              received.put(r.key(), r.value());
            });
          }
        }
        assertEquals(sent, received, "every episode arrives, decoded through the registry, unchanged");
        for (Trajectory t : received.values()) {
          assertEquals("story-keyword", t.getEnvId());
          assertEquals("llama2c:tok512", t.getTokenizerId());
          // The environment ended every episode (its reward is final), many at the 24-token budget: terminal, not
          // truncated, so learners do not bootstrap from a state after the end.
          assertTrue(t.getDone() && !t.getTruncated(), t.getTrajectoryId() + " done/truncated");
          Turn prompt = t.getTurns().get(0);
          Turn answer = t.getTurns().get(1);
          assertEquals(Role.USER, prompt.getRole());
          assertFalse(prompt.getActionMask().contains(true));
          assertEquals(1, prompt.getTokenIds().get(0), "starts with BOS");
          assertEquals(answer.getTokenIds().size(), answer.getActionMask().size());
          assertEquals(answer.getTokenIds().size(), answer.getBehaviourLogProbs().size());
          assertTrue(answer.getBehaviourLogProbs().stream().allMatch(lp -> lp <= 0f));
          assertNotNull(answer.getReward());
          assertTrue(answer.getReward() >= 0);
          assertNotNull(answer.getText());
        }
        List<Trajectory> all = new ArrayList<>(received.values());
        assertEquals(12, all.size(), "no episode lost across the two swaps");
      }
      // A restarted actor (a fresh subscriber that starts from scratch) serves the latest complete version at once;
      // two actors side by side produce distinct, complete streams.
      ActorLoop.Settings a = new ActorLoop.Settings("actor-a", "main", 3, 1,
          SamplingParams.sample(1.0, 16, Set.of(1, 2), 5), 21);
      ActorLoop.Settings b = new ActorLoop.Settings("actor-b", "main", 3, 1,
          SamplingParams.sample(1.0, 16, Set.of(1, 2), 6), 22);
      try (ActorLoop restarted = new ActorLoop(model.weights().copy(), 0, model.tokenizer(),
               StoryKeywordEnvironment.defaults(model.tokenizer()), a, producer, topics, new WeightSubscriber(
               kafka.clients(), topics, "main", 0, Device.cpu()));
           ActorLoop other = new ActorLoop(model.weights().copy(), 0, model.tokenizer(),
               StoryKeywordEnvironment.defaults(model.tokenizer()), b, producer, topics, null)) {
        var fromA = new java.util.concurrent.CompletableFuture<List<Trajectory>>();
        Thread t = new Thread(() -> fromA.complete(restarted.runBatch()));
        t.start();
        List<Trajectory> fromB = other.runBatch();
        List<Trajectory> aOut = fromA.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(8, restarted.version(), "the restarted actor loaded the latest complete version");
        assertTrue(aOut.stream().allMatch(x -> x.getPolicyVersion() == 8 && x.getActorId().equals("actor-a")));
        assertTrue(fromB.stream().allMatch(x -> x.getPolicyVersion() == 0 && x.getActorId().equals("actor-b")));
        java.util.Set<String> ids = new java.util.HashSet<>();
        aOut.forEach(x -> ids.add(x.getTrajectoryId()));
        fromB.forEach(x -> ids.add(x.getTrajectoryId()));
        assertEquals(6, ids.size(), "distinct trajectory ids across actors");
      }
    }
  }
}
