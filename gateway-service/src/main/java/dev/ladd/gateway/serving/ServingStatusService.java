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
                statuses.upsert(s.getAlias(), s.getCheckpointId(), s.getRevision(), "serving", null);
                statuses.upsertReplica(s.getAlias(), s.getReplica(), s.getCheckpointId(), s.getRevision(), "serving", null);
            }
            case MODEL_SWAP_FAILED -> {
                ModelSwapFailed f = event.getModelSwapFailed();
                String reason = "swap to " + f.getCheckpointId() + " failed: " + f.getReason();
                statuses.upsert(f.getAlias(), f.getStillServingCheckpointId(), f.getRevision(), "swap-failed", reason);
                statuses.upsertReplica(f.getAlias(), f.getReplica(), f.getStillServingCheckpointId(), f.getRevision(),
                        "swap-failed", reason);
            }
            default -> log.debug("gateway ignores {} events on the serving status topic", event.getType());
        }
    }

    public List<ServingStatus> list() {
        return statuses.list();
    }

    public List<ReplicaStatus> replicas() {
        return statuses.replicas();
    }
}
