package io.shiq.schemas.serde;

import io.shiq.schemas.registry.RegistryException;
import io.shiq.schemas.registry.RegistryUnreachableException;
import io.shiq.schemas.registry.SchemaRegistryClient;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Avro deserializer for the Confluent wire format. The writer schema comes from the registry by the id in the
 * header; the reader schema is the target class's (when constructed with one), else the generated class named by
 * the writer schema ({@code specific.avro.reader=true}, the default), else a GenericRecord.
 *
 * <p>Every failure (short record, wrong magic byte, unknown id, truncated, corrupt or trailing bytes) is a
 * SerializationException naming the topic and the cause; pair it with {@link DeadLetterRouter} to keep the bytes.
 * An unreachable registry is rethrown as-is: it is not the record's fault and must not send it to dead letters.
 */
public final class AvroDeserializer<T> implements Deserializer<T> {
  private final Schema readerSchema;
  private SchemaRegistryClient registry;
  private boolean specific = true;
  private final Map<Integer, DatumReader<Object>> readers = new ConcurrentHashMap<>();

  /** For Kafka's reflective construction; call {@link #configure} before use. */
  public AvroDeserializer() {
    this.readerSchema = null;
  }

  /** Decodes into {@code type}, resolving older or newer writer schemas against its schema. */
  public AvroDeserializer(SchemaRegistryClient registry, Class<T> type) {
    this.registry = registry;
    this.readerSchema = SpecificRecord.class.isAssignableFrom(type) ? SpecificData.get().getSchema(type) : null;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    this.specific = SerdeConfig.booleanValue(configs, SerdeConfig.SPECIFIC_AVRO_READER, true);
    if (registry == null) {
      registry = SerdeConfig.client(configs);
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null; // tombstone
    }
    if (registry == null) {
      throw new IllegalStateException("AvroDeserializer used before configure(): no "
          + SerdeConfig.SCHEMA_REGISTRY_URL);
    }
    int id = WireFormat.readSchemaId(topic, data);
    DatumReader<Object> reader = readers.computeIfAbsent(id, i -> readerFor(topic, i));
    try {
      BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_SIZE,
          data.length - WireFormat.HEADER_SIZE, null);
      Object value = reader.read(null, new BoundedDecoder(decoder)); // lengths checked before allocation
      if (!decoder.isEnd()) {
        throw new SerializationException("topic " + topic + ": corrupt record: bytes left over after decoding "
            + "schema id " + id + " (" + data.length + " bytes in all)");
      }
      return (T) value;
    } catch (IOException e) {
      throw new SerializationException("topic " + topic + ": truncated or corrupt Avro data for schema id " + id
          + " (" + data.length + " bytes): " + e, e);
    } catch (RuntimeException e) {
      if (e instanceof SerializationException) {
        throw e;
      }
      throw new SerializationException("topic " + topic + ": corrupt Avro data for schema id " + id + " ("
          + data.length + " bytes): " + e, e);
    }
  }

  private DatumReader<Object> readerFor(String topic, int id) {
    Schema writer;
    try {
      writer = registry.schemaById(id);
    } catch (RegistryUnreachableException e) {
      throw e;
    } catch (RegistryException e) {
      throw new SerializationException("topic " + topic + ": unknown schema id " + id + " in registry "
          + registry.baseUrl() + ": " + e.getMessage(), e);
    }
    if (readerSchema != null) {
      return new SpecificDatumReader<>(writer, readerSchema, SpecificData.get());
    }
    if (specific && SpecificData.get().getClass(writer) != null) {
      Schema target = SpecificData.get().getSchema(SpecificData.get().getClass(writer));
      return new SpecificDatumReader<>(writer, target, SpecificData.get());
    }
    return new GenericDatumReader<>(writer, writer, GenericData.get());
  }
}
