package dev.ladd.gateway.run;

import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.RunFinished;
import dev.ladd.platform.web.NotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import java.util.List;

/** The gateway's view of runs: those started through it (by the trainer), kept current from lifecycle events. */
@Service
public class RunGatewayService {

    private static final Logger log = LoggerFactory.getLogger(RunGatewayService.class);

    private final RunViewRepository runs;

    public RunGatewayService(RunViewRepository runs) {
        this.runs = runs;
    }

    /**
     * Records a run the trainer accepted (it validated the request, filled in its defaults and published RunRequested:
     * docs/adr/020). Its RunStarted may have come first; then the row it made is completed.
     */
    public RunView recordStarted(String runId, String teacherId, String requestedBy) {
        runs.insert(runId, teacherId, requestedBy);
        log.info("run {} requested by {} for teacher {}", runId, requestedBy, teacherId);
        return runs.find(runId).orElseThrow();
    }

    /** Applies a run lifecycle event from the trainer. */
    public void handle(EventEnvelope event) {
        switch (event.getPayloadCase()) {
            case RUN_STARTED -> runs.started(event.getRunStarted().getRunId(), event.getRunStarted().getTeacherId());
            case RUN_FINISHED -> {
                RunFinished finished = event.getRunFinished();
                runs.updateState(finished.getRunId(), outcomeLabel(finished), finished.getReason().isEmpty() ? null : finished.getReason());
            }
            default -> log.debug("gateway ignores {} events on the run lifecycle topic", event.getType());
        }
    }

    private static String outcomeLabel(RunFinished finished) {
        return switch (finished.getOutcome()) {
            case RUN_OUTCOME_COMPLETED -> "completed";
            case RUN_OUTCOME_CANCELLED -> "cancelled";
            default -> "failed";
        };
    }

    public RunView get(String runId) {
        return runs.find(runId).orElseThrow(() -> new NotFoundException("no run with id '" + runId + "'"));
    }

    public List<RunView> list(int limit) {
        return runs.list(limit);
    }
}
