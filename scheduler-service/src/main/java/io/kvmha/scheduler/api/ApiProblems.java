package io.kvmha.scheduler.api;

import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** The API's problem types (RFC 9457); Spring renders them as {@code application/problem+json}. */
final class ApiProblems {

    static final URI INVALID_REQUEST = URI.create("urn:kvmha:problem:invalid-request");
    static final URI VM_NOT_FOUND = URI.create("urn:kvmha:problem:vm-not-found");
    static final URI NO_HOST_FITS = URI.create("urn:kvmha:problem:no-host-fits");
    static final URI DUPLICATE_NAME = URI.create("urn:kvmha:problem:duplicate-vm-name");
    static final URI NOT_PUBLISHED = URI.create("urn:kvmha:problem:not-published");

    private ApiProblems() {
    }

    static ErrorResponseException of(HttpStatus status, URI type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type);
        problem.setTitle(title);
        return new ErrorResponseException(status, problem, null);
    }
}
