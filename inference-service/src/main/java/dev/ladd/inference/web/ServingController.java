package dev.ladd.inference.web;

import dev.ladd.inference.serving.DesiredModel;
import dev.ladd.inference.serving.ServingDesiredService;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

@RestController
@RequestMapping("/api/v1/serving")
class ServingController {

    private final ServingDesiredService serving;

    ServingController(ServingDesiredService serving) {
        this.serving = serving;
    }

    @GetMapping
    List<DesiredModel> list() {
        return serving.list();
    }

    @GetMapping("/{alias}")
    DesiredModel get(@PathVariable String alias) {
        return serving.get(alias);
    }
}
