package dev.ladd.gateway.serving;

import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.ModelServing;
import dev.ladd.events.v1.ModelSwapFailed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import java.util.List;

/** Keeps the gateway's view of what each alias serves, from inference-service's reports. */
@Service
public class ServingStatusService {

    private static final Logger log = LoggerFactory.getLogger(ServingStatusService.class);

    private final ServingStatusRepository statuses;

    public ServingStatusService(ServingStatusRepository statuses) {
        this.statuses = statuses;
    }

    public void handle(EventEnvelope event) {
        switch (event.getPayloadCase()) {
            case MODEL_SERVING -> {
                ModelServing s = event.getModelServing();
                // found by the chaos suite's poison event: an empty one became a status row for alias ''
                requireNamed(s.getAlias(), s.getCheckpointId(), event);
                statuses.upsert(s.getAlias(), s.getCheckpointId(), s.getRevision(), "serving", null);
                statuses.upsertReplica(s.getAlias(), s.getReplica(), s.getCheckpointId(), s.getRevision(), "serving", null);
            }
            case MODEL_SWAP_FAILED -> {
                ModelSwapFailed f = event.getModelSwapFailed();
                requireNamed(f.getAlias(), f.getCheckpointId(), event);
                String reason = "swap to " + f.getCheckpointId() + " failed: " + f.getReason();
                statuses.upsert(f.getAlias(), f.getStillServingCheckpointId(), f.getRevision(), "swap-failed", reason);
                statuses.upsertReplica(f.getAlias(), f.getReplica(), f.getStillServingCheckpointId(), f.getRevision(),
                        "swap-failed", reason);
            }
            default -> log.debug("gateway ignores {} events on the serving status topic", event.getType());
        }
    }

    /** Refuses (to the dead-letter topic, after the binder's retries) an event that names no alias or checkpoint. */
    private static void requireNamed(String alias, String checkpointId, EventEnvelope event) {
        if (alias.isBlank() || checkpointId.isBlank()) {
            throw new IllegalArgumentException(event.getType() + " " + event.getEventId()
                    + " names no alias or no checkpoint; not applied");
        }
    }

    public List<ServingStatus> list() {
        return statuses.list();
    }

    public List<ReplicaStatus> replicas() {
        return statuses.replicas();
    }
}
