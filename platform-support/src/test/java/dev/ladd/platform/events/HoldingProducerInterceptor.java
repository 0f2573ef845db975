package dev.ladd.platform.events;

import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A broker that keeps the sender waiting, under the test's control: the producer calls this inside its send, on the
 * sending thread, and for topic {@value #TOPIC} it waits until the test {@link #release releases} it (at most 5
 * minutes, so that a failing test cannot hang the build).
 */
public class HoldingProducerInterceptor implements ProducerInterceptor<Object, Object> {

    static final String TOPIC = "relay.held";
    static final CountDownLatch SENDING = new CountDownLatch(1);
    private static final CountDownLatch RELEASED = new CountDownLatch(1);

    static void release() {
        RELEASED.countDown();
    }

    @Override
    public ProducerRecord<Object, Object> onSend(ProducerRecord<Object, Object> record) {
        if (record.topic().equals(TOPIC)) {
            SENDING.countDown();
            try {
                RELEASED.await(5, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return record;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
    }

    @Override
    public void close() {
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }
}
