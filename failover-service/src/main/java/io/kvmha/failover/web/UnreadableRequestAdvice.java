package io.kvmha.failover.web;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** A request body that is not the JSON an endpoint takes is a 400 problem, like every other refusal of this API. */
@RestControllerAdvice
class UnreadableRequestAdvice {

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ProblemDetail unreadable(HttpMessageNotReadableException e) {
        return Problems.of(HttpStatus.BAD_REQUEST, "unreadable-request", "Unreadable request body",
                "the request body is not the JSON this endpoint takes: " + e.getMostSpecificCause().getMessage());
    }
}
