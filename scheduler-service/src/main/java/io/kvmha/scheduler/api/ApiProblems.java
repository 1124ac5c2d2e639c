package io.kvmha.scheduler.api;

import io.kvmha.scheduler.core.SpecValidation;
import java.net.URI;
import java.util.List;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** The API's problem types (RFC 9457); Spring renders them as {@code application/problem+json}. */
final class ApiProblems {

    static final URI INVALID_REQUEST = URI.create("urn:kvmha:problem:invalid-request");
    static final URI VM_NOT_FOUND = URI.create("urn:kvmha:problem:vm-not-found");
    static final URI HOST_NOT_FOUND = URI.create("urn:kvmha:problem:host-not-found");
    static final URI NO_HOST_FITS = URI.create("urn:kvmha:problem:no-host-fits");
    static final URI DUPLICATE_NAME = URI.create("urn:kvmha:problem:duplicate-vm-name");
    static final URI TIER_QUOTA = URI.create("urn:kvmha:problem:tier-quota-exceeded");
    static final URI FAILOVER_RESERVE = URI.create("urn:kvmha:problem:failover-reserve");
    static final URI NOT_ACTIVE_PLACER = URI.create("urn:kvmha:problem:not-active-placer");
    static final URI NOT_PUBLISHED = URI.create("urn:kvmha:problem:not-published");

    private ApiProblems() {
    }

    static ErrorResponseException of(HttpStatus status, URI type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type);
        problem.setTitle(title);
        return new ErrorResponseException(status, problem, null);
    }

    /** A 400 for a spec that passed the body's constraints but is impossible (e.g. 3 vCPUs over 2 NUMA cells). */
    static ErrorResponseException invalid(List<SpecValidation.Violation> violations) {
        List<ProblemResponses.FieldProblem> problems = violations.stream()
                .map(v -> new ProblemResponses.FieldProblem(v.field(), v.rule(), v.message())).toList();
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, problems.stream()
                .map(p -> p.field() + ": " + p.message() + " (" + p.rule() + ")").collect(Collectors.joining("; ")));
        problem.setType(INVALID_REQUEST);
        problem.setTitle("Invalid request");
        problem.setProperty("errors", problems);
        return new ErrorResponseException(HttpStatus.BAD_REQUEST, problem, null);
    }

    static ErrorResponseException vmNotFound(String vmId) {
        return of(HttpStatus.NOT_FOUND, VM_NOT_FOUND, "VM not found", "no VM with id " + vmId);
    }

    static ErrorResponseException hostNotFound(String hostId) {
        return of(HttpStatus.NOT_FOUND, HOST_NOT_FOUND, "Host not found", "no host with id " + hostId);
    }
}
