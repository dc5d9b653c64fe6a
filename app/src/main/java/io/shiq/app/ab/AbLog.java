package io.shiq.app.ab;

import io.shiq.avro.EvalResult;
import io.shiq.avro.Experiment;
import io.shiq.avro.ExperimentDecision;
import io.shiq.schemas.kafka.KafkaClients;
import io.shiq.schemas.serde.AvroDeserializer;
import io.shiq.schemas.topic.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * What the A/B topics hold, read incrementally: the latest record of every experiment, and every result and decision
 * (kept by experiment id). One instance keeps its consumer between {@link #catchUp} calls, so a live status screen
 * reads only what is new.
 */
public final class AbLog implements AutoCloseable {
  private final Topics topics;
  private final KafkaConsumer<String, byte[]> consumer;
  private final AvroDeserializer<Experiment> experiments;
  private final AvroDeserializer<EvalResult> results;
  private final AvroDeserializer<ExperimentDecision> decisions;
  private final Map<String, Experiment> latest = new LinkedHashMap<>();
  private final Map<String, List<EvalResult>> resultsById = new LinkedHashMap<>();
  private final Map<String, List<ExperimentDecision>> decisionsById = new LinkedHashMap<>();
  private long skipped;

  public AbLog(KafkaClients kafka, Topics topics) {
    this.topics = topics;
    this.experiments = kafka.deserializer(Experiment.class);
    this.results = kafka.deserializer(EvalResult.class);
    this.decisions = kafka.deserializer(ExperimentDecision.class);
    this.consumer = kafka.rawConsumer(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000"));
    List<TopicPartition> parts = new ArrayList<>();
    for (String t : List.of(topics.experiments(), topics.evalResults(), topics.experimentDecisions())) {
      for (PartitionInfo p : consumer.partitionsFor(t)) {
        parts.add(new TopicPartition(t, p.partition()));
      }
    }
    consumer.assign(parts);
    consumer.seekToBeginning(parts);
  }

  /** Reads everything written so far (until the end offsets seen at the call, or {@code timeout}). */
  public AbLog catchUp(Duration timeout) {
    Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
    long deadline = System.nanoTime() + timeout.toNanos();
    while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())
        && System.nanoTime() < deadline) {
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
        if (r.value() == null) {
          if (r.topic().equals(topics.experiments())) {
            latest.remove(r.key());
          }
          continue;
        }
        try {
          if (r.topic().equals(topics.experiments())) {
            Experiment e = experiments.deserialize(r.topic(), r.value());
            latest.put(e.getExperimentId(), e);
          } else if (r.topic().equals(topics.evalResults())) {
            EvalResult e = results.deserialize(r.topic(), r.value());
            if (e.getExperimentId() != null) {
              resultsById.computeIfAbsent(e.getExperimentId(), k -> new ArrayList<>()).add(e);
            }
          } else {
            ExperimentDecision d = decisions.deserialize(r.topic(), r.value());
            decisionsById.computeIfAbsent(d.getExperimentId(), k -> new ArrayList<>()).add(d);
          }
        } catch (RuntimeException e) {
          skipped++;
        }
      }
    }
    return this;
  }

  public Map<String, Experiment> experiments() {
    return latest;
  }

  /** Live results of the experiment (off-policy estimates excluded), in the order written. */
  public List<EvalResult> results(String id) {
    return resultsById.getOrDefault(id, List.of()).stream().filter(r -> !OffPolicy.isEstimate(r)).toList();
  }

  /** Off-policy estimates written for the experiment by {@code shiq ab start}. */
  public List<EvalResult> estimates(String id) {
    return resultsById.getOrDefault(id, List.of()).stream().filter(OffPolicy::isEstimate).toList();
  }

  public List<ExperimentDecision> decisions(String id) {
    return decisionsById.getOrDefault(id, List.of());
  }

  /** Records that could not be decoded (skipped). */
  public long skipped() {
    return skipped;
  }

  /** Sends {@code value} keyed by {@code key} to {@code topic} and waits for the acknowledgement. */
  public static void send(KafkaClients kafka, String topic, String key, SpecificRecord value) {
    try (var producer = kafka.avroProducer(Map.of())) {
      producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, key, value)).get(60,
          java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing to " + topic, e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("could not write to " + topic + ": " + e.getMessage(), e);
    }
  }

  /** For callers that only need to iterate experiments with their records. */
  public void forEach(BiConsumer<Experiment, List<EvalResult>> action) {
    latest.forEach((id, e) -> action.accept(e, results(id)));
  }

  @Override
  public void close() {
    consumer.close();
  }
}
