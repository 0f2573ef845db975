package dev.ladd.events;

/**
 * Kafka topic names of the platform. The key of every record is given beside its topic: records with
 * the same key stay in order.
 */
public final class Topics {

    /** {@code RunRequested}; key: run id. gateway-service → trainer-service. */
    public static final String RUN_REQUESTED = "ladd.run.requested";
    /** {@code RunStarted}, {@code RunFinished}; key: run id. trainer-service → gateway-service. */
    public static final String RUN_LIFECYCLE = "ladd.run.lifecycle";
    /** {@code SyntheticDataRequested}; key: run id. trainer-service → teacher-service. */
    public static final String SYNTHETIC_DATA_REQUESTED = "ladd.synthetic.requested";
    /** {@code SyntheticShardProduced}, {@code SyntheticDataRejected}; key: run id. teacher-service → trainer-service. */
    public static final String SYNTHETIC_SHARDS = "ladd.synthetic.shards";
    /** {@code CheckpointPublished}; key: run id. trainer-service → eval-service, gateway-service. */
    public static final String CHECKPOINTS = "ladd.checkpoint.published";
    /** {@code CheckpointScored}; key: run id. eval-service → gateway-service. */
    public static final String CHECKPOINT_SCORES = "ladd.checkpoint.scored";
    /** {@code ModelPromoted}, {@code ModelRolledBack}; key: alias. gateway-service → audit readers. */
    public static final String SERVING_CHANGES = "ladd.serving.changes";
    /** {@code ServingDesired}; key: alias; compacted. gateway-service → inference-service. */
    public static final String SERVING_DESIRED = "ladd.serving.desired";
    /** {@code ModelServing}, {@code ModelSwapFailed}; key: alias. inference-service → gateway-service. */
    public static final String SERVING_STATUS = "ladd.serving.status";

    private Topics() {
    }

    /** The dead-letter topic of one consumer group on one topic: {@code <topic>.<group>.dlt}. */
    public static String deadLetter(String topic, String group) {
        return topic + "." + group + ".dlt";
    }
}
