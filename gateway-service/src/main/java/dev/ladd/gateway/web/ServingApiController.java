package dev.ladd.gateway.web;

import dev.ladd.gateway.keys.Callers;
import dev.ladd.gateway.serving.Alias;
import dev.ladd.gateway.serving.PromotionService;
import dev.ladd.gateway.serving.ServingChange;
import dev.ladd.gateway.serving.ServingStatus;
import dev.ladd.gateway.serving.ReplicaStatus;
import dev.ladd.gateway.serving.ServingStatusService;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/** What each alias serves (inference-service's reports), and promotion / rollback with their audit trail. */
@RestController
@RequestMapping("/api/v1/serving")
class ServingApiController {

    /** The body of a promotion: a scored checkpoint and why. */
    record PromoteRequest(@NotBlank @Size(max = 300) String checkpointId, @NotBlank @Size(max = 1000) String reason) {
    }

    /** The body of a rollback: why. */
    record RollbackRequest(@NotBlank @Size(max = 1000) String reason) {
    }

    private final ServingStatusService serving;
    private final PromotionService promotions;

    ServingApiController(ServingStatusService serving, PromotionService promotions) {
        this.serving = serving;
        this.promotions = promotions;
    }

    @GetMapping
    List<ServingStatus> list() {
        return serving.list();
    }

    @Operation(summary = "What each inference replica serves per alias, beside what it should (current: true when it does)")
    @GetMapping("/replicas")
    List<ReplicaStatus> replicas() {
        return serving.replicas();
    }

    @Operation(summary = "Serve a scored checkpoint on the alias (role ml-staff): 404 unknown, 409 unscored or refused")
    @PostMapping("/{alias}/promote")
    ServingChange promote(@PathVariable String alias, @Valid @RequestBody PromoteRequest request, HttpServletRequest http) {
        return promotions.promote(alias(alias), request.checkpointId(), request.reason(), Callers.name(http));
    }

    @Operation(summary = "Serve the alias's previous checkpoint again (role ml-staff): 409 when there is none")
    @PostMapping("/{alias}/rollback")
    ServingChange rollback(@PathVariable String alias, @Valid @RequestBody RollbackRequest request, HttpServletRequest http) {
        return promotions.rollback(alias(alias), request.reason(), Callers.name(http));
    }

    @Operation(summary = "The alias's promotions and rollbacks, newest first")
    @GetMapping("/{alias}/history")
    List<ServingChange> history(@PathVariable String alias, @RequestParam(defaultValue = "100") @Min(1) @Max(1000) int limit) {
        return promotions.history(alias(alias), limit);
    }

    private static String alias(String alias) {
        if (!Alias.valid(alias)) {
            throw new IllegalArgumentException("alias must be " + Alias.RULE);
        }
        return alias;
    }
}
