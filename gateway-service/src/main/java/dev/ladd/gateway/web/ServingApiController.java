package dev.ladd.gateway.web;

import dev.ladd.gateway.serving.ServingStatus;
import dev.ladd.gateway.serving.ServingStatusService;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/** What each model alias serves, as inference-service last reported it. */
@RestController
@RequestMapping("/api/v1/serving")
class ServingApiController {

    private final ServingStatusService serving;

    ServingApiController(ServingStatusService serving) {
        this.serving = serving;
    }

    @GetMapping
    List<ServingStatus> list() {
        return serving.list();
    }
}
