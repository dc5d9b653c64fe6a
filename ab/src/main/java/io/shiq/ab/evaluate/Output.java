package io.shiq.ab.evaluate;

import io.shiq.schemas.serde.AvroSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.TopicNameExtractor;

/** A record the evaluator writes, with the topic it goes to (results, decisions, versions or experiments). */
record Output(String topic, SpecificRecord value) {
  static TopicNameExtractor<String, Output> topics() {
    return (key, value, context) -> value.topic();
  }

  /** Serialises the Avro value under its own topic's subject. */
  static Serializer<Output> serializer(AvroSerializer<SpecificRecord> avro) {
    return (topic, o) -> o == null ? null : avro.serialize(topic, o.value());
  }
}
