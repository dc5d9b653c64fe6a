package io.shiq.schemas.serde;

import io.shiq.schemas.registry.SchemaRegistryClient;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Avro serializer in the Confluent wire format. The schema is registered (or looked up, when
 * {@code auto.register.schemas=false}) under the TopicNameStrategy subject {@code <topic>-value}
 * ({@code -key} for keys); ids are cached by the registry client.
 */
public final class AvroSerializer<T extends GenericContainer> implements Serializer<T> {
  private SchemaRegistryClient registry;
  private boolean autoRegister = true;
  private boolean isKey;
  private final Map<Schema, DatumWriter<Object>> writers = new ConcurrentHashMap<>();

  /** For Kafka's reflective construction; call {@link #configure} before use. */
  public AvroSerializer() {}

  public AvroSerializer(SchemaRegistryClient registry) {
    this.registry = registry;
  }

  /** A serializer of record values (subject {@code <topic>-value}) that registers new schemas. */
  public static <T extends GenericContainer> AvroSerializer<T> forValues(SchemaRegistryClient registry) {
    AvroSerializer<T> s = new AvroSerializer<>(registry);
    s.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registry.baseUrl()), false);
    return s;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    this.isKey = isKey;
    this.autoRegister = SerdeConfig.booleanValue(configs, SerdeConfig.AUTO_REGISTER_SCHEMAS, true);
    if (registry == null) {
      registry = SerdeConfig.client(configs);
    }
  }

  @Override
  public byte[] serialize(String topic, T record) {
    if (record == null) {
      return null; // tombstone
    }
    if (registry == null) {
      throw new IllegalStateException("AvroSerializer used before configure(): no " + SerdeConfig.SCHEMA_REGISTRY_URL);
    }
    Schema schema = record.getSchema();
    String subject = WireFormat.subject(topic, isKey);
    int id = autoRegister ? registry.register(subject, schema) : registry.lookupId(subject, schema);
    try {
      DatumWriter<Object> writer =
          writers.computeIfAbsent(schema, s -> new SpecificDatumWriter<>(s, SpecificData.get()));
      return AvroBinary.encodeFramed(id, 256, e -> writer.write(record, e));
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("topic " + topic + ": cannot encode " + schema.getFullName()
          + " with schema id " + id + ": " + e.getMessage(), e);
    }
  }
}
