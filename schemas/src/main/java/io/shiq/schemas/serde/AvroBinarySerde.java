package io.shiq.schemas.serde;

import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Plain Avro binary with no registry header, for an application's internal state stores and their changelogs:
 * only this application reads them, with the schema it was built with. Topics other programs read use
 * {@link AvroSerde} (Confluent wire format + registry).
 */
public final class AvroBinarySerde<T extends SpecificRecord> implements Serde<T> {
  private final Schema schema;

  public AvroBinarySerde(Class<T> type) {
    this.schema = SpecificData.get().getSchema(type);
  }

  @Override
  public Serializer<T> serializer() {
    SpecificDatumWriter<T> writer = new SpecificDatumWriter<>(schema);
    return (topic, value) -> {
      if (value == null) {
        return null;
      }
      try {
        return AvroBinary.encode(writer, value, 256);
      } catch (IOException e) {
        throw new SerializationException("cannot encode " + schema.getFullName() + " for " + topic, e);
      }
    };
  }

  @Override
  public Deserializer<T> deserializer() {
    SpecificDatumReader<T> reader = new SpecificDatumReader<>(schema);
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      try {
        return reader.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
      } catch (IOException | RuntimeException e) {
        throw new SerializationException("cannot decode " + schema.getFullName() + " from " + topic, e);
      }
    };
  }
}
