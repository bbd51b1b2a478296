package io.backupsuite.worker.restore;

import io.backupsuite.common.web.ApiException;
import jakarta.validation.Valid;
import java.net.URI;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Restores to a target an operator chooses: start one, then follow it by id. */
@RestController
@RequestMapping("/api/v1/restores")
class RestoreController {

    private final RestoreService restores;

    RestoreController(RestoreService restores) {
        this.restores = restores;
    }

    @PostMapping
    ResponseEntity<RestoreView> start(@Valid @RequestBody RestoreRequest request) {
        RestoreView view = restores.start(request);
        return ResponseEntity.accepted().location(URI.create("/api/v1/restores/" + view.restoreId())).body(view);
    }

    @GetMapping("/{id}")
    RestoreView status(@PathVariable String id) {
        return restores.find(id).orElseThrow(() -> ApiException.notFound("restore-not-found", "No restore job with this id."));
    }
}
