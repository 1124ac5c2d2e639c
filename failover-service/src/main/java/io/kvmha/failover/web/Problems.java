package io.kvmha.failover.web;

import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/** RFC 9457 problem details as every controller of this service answers them: {@code urn:kvmha:problem:<kind>}. */
final class Problems {

    private Problems() {
    }

    static ProblemDetail of(HttpStatus status, String kind, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        problem.setType(URI.create("urn:kvmha:problem:" + kind));
        return problem;
    }
}
