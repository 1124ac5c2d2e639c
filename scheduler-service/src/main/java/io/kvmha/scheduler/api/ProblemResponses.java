package io.kvmha.scheduler.api;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;

/**
 * Every API error as an RFC 9457 problem ({@code application/problem+json}). A 400 names each offending
 * field and the rule it broke, in {@code detail} for people and in {@code errors} for programs.
 */
@RestControllerAdvice
public class ProblemResponses extends ResponseEntityExceptionHandler {

    /** One broken rule: the JSON field, the rule's name (e.g. Pattern, Min, enum, type, json) and a message. */
    public record FieldProblem(String field, String rule, String message) {
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        List<FieldProblem> problems = ex.getBindingResult().getFieldErrors().stream()
                .map(ProblemResponses::fieldProblem)
                .sorted(Comparator.comparing(FieldProblem::field))
                .toList();
        return invalid(problems, ex, headers, request);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        return invalid(List.of(unreadable(ex)), ex, headers, request);
    }

    private ResponseEntity<Object> invalid(List<FieldProblem> problems, Exception ex, HttpHeaders headers,
                                           WebRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, problems.stream()
                .map(p -> p.field() + ": " + p.message() + " (" + p.rule() + ")")
                .collect(Collectors.joining("; ")));
        problem.setType(ApiProblems.INVALID_REQUEST);
        problem.setTitle("Invalid request");
        problem.setProperty("errors", problems);
        return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    private static FieldProblem fieldProblem(FieldError error) {
        String rule = error.getCode() == null ? "invalid" : error.getCode();
        String message = error.getDefaultMessage() == null ? "is invalid" : error.getDefaultMessage();
        if (error.getRejectedValue() != null) {
            message = message + ", was " + error.getRejectedValue();
        }
        return new FieldProblem(error.getField(), rule, message);
    }

    /** Names the field a body could not be read at: a wrong type, an unknown enum value, broken JSON. */
    private static FieldProblem unreadable(HttpMessageNotReadableException ex) {
        JacksonException jackson = jacksonCause(ex);
        if (jackson == null) {
            return new FieldProblem("body", "json", "request body is missing or unreadable");
        }
        String field = path(jackson);
        if (jackson instanceof InvalidFormatException invalid && invalid.getTargetType() != null
                && invalid.getTargetType().isEnum()) {
            return new FieldProblem(field, "enum", "must be one of " + Arrays.toString(invalid.getTargetType().getEnumConstants())
                    + ", was " + invalid.getValue());
        }
        if (jackson instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            return new FieldProblem(field, "type", "must be " + typeName(mismatch.getTargetType()));
        }
        return new FieldProblem(field, "json", "malformed JSON: " + jackson.getOriginalMessage());
    }

    private static String path(JacksonException jackson) {
        String path = jackson.getPath().stream()
                .map(ref -> ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        if (!path.isEmpty()) {
            return path;
        }
        if (jackson instanceof StreamReadException read && read.processor() != null) {
            try {
                String name = read.processor().currentName();
                if (name != null) {
                    return name;
                }
            } catch (RuntimeException ignored) {
                // A closed parser may refuse; the location in the message still helps.
            }
        }
        return "body";
    }

    private static String typeName(Class<?> type) {
        Map<Class<?>, String> names = Map.of(Integer.class, "an integer", int.class, "an integer", Long.class,
                "an integer", long.class, "an integer", String.class, "a string", Map.class, "an object of strings");
        return names.getOrDefault(type, "a " + type.getSimpleName());
    }

    private static JacksonException jacksonCause(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof JacksonException j) {
                return j;
            }
        }
        return null;
    }
}
