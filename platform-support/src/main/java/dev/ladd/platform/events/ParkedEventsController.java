package dev.ladd.platform.events;

import dev.ladd.platform.security.CallerRole;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/**
 * Every service's parked outbox events (docs/adr/015), admin only: through the gateway at
 * {@code /api/v1/<service>/outbox/parked} (the gateway's own at {@code /api/v1/outbox/parked}). The gateway lets only
 * admin keys through to these paths; checked here too ({@link CallerRole}), so that no difference between how the
 * gateway and this service read a path can open them to a lesser role.
 */
@RestController
@RequestMapping("/api/v1/outbox/parked")
public class ParkedEventsController {

    private final ParkedEvents parked;
    private final CallerRole callerRole;

    public ParkedEventsController(ParkedEvents parked, CallerRole callerRole) {
        this.parked = parked;
        this.callerRole = callerRole;
    }

    @GetMapping
    List<ParkedEvents.ParkedEvent> list(HttpServletRequest request) {
        requireAdmin(request, "listing parked outbox events");
        return parked.list();
    }

    /** Re-queues a parked event: the relay sends it at once, with a fresh count of attempts. */
    @PostMapping("/{id}/retry")
    ResponseEntity<Void> retry(@PathVariable long id, HttpServletRequest request) {
        parked.retry(id, requireAdmin(request, "retrying a parked outbox event"));
        return ResponseEntity.accepted().build();
    }

    /** Drops a parked event that can never be sent, so that the later events of its key go. */
    @DeleteMapping("/{id}")
    ResponseEntity<Void> discard(@PathVariable long id, HttpServletRequest request) {
        parked.discard(id, requireAdmin(request, "discarding a parked outbox event"));
        return ResponseEntity.noContent().build();
    }

    /** The caller, for the log; a 403 problem unless the caller is an admin. */
    private String requireAdmin(HttpServletRequest request, String what) {
        if (!CallerRole.ADMIN.equals(callerRole.of(request))) {
            throw new ErrorResponseException(HttpStatus.FORBIDDEN, ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN,
                    what + " needs an admin key"), null);
        }
        return callerRole.name(request);
    }
}
