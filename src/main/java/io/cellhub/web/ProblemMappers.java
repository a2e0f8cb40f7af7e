package io.cellhub.web;

import java.sql.SQLException;
import java.util.concurrent.CompletionException;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import io.cellhub.publish.PublishRejectedException;
import io.cellhub.topic.InvalidTopicException;

/** Turns every error the API can raise into {@code application/problem+json} a person can act on. */
class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    Response invalidTopic(InvalidTopicException e, UriInfo uri) {
        return Problem.response(Response.Status.BAD_REQUEST, e.getMessage(), uri.getPath());
    }

    @ServerExceptionMapper
    Response publishRejected(PublishRejectedException e, UriInfo uri) {
        Response.Status status = switch (e.reason()) {
            case PAYLOAD_TOO_LARGE -> Response.Status.REQUEST_ENTITY_TOO_LARGE;
            case BROKER_UNAVAILABLE -> Response.Status.SERVICE_UNAVAILABLE;
            default -> Response.Status.BAD_REQUEST;
        };
        return Problem.response(status, e.getMessage(), uri.getPath());
    }

    @ServerExceptionMapper
    Response mismatchedJson(MismatchedInputException e, UriInfo uri) {
        return unreadableJson(e, uri);
    }

    @ServerExceptionMapper
    Response unreadableJson(JsonProcessingException e, UriInfo uri) {
        return Problem.response(Response.Status.BAD_REQUEST,
                "The request body is not valid JSON for this endpoint: " + e.getOriginalMessage(), uri.getPath());
    }

    @ServerExceptionMapper
    Response webApplication(WebApplicationException e, UriInfo uri) {
        Response original = e.getResponse();
        String detail = e.getMessage() == null ? original.getStatusInfo().getReasonPhrase() : e.getMessage();
        return Problem.response(original.getStatus(), original.getStatusInfo().getReasonPhrase(), detail, uri.getPath());
    }

    @ServerExceptionMapper
    Response databaseUnavailable(SQLException e, UriInfo uri) {
        LOG.warnf("Database error on %s: %s", uri.getPath(), e.getMessage());
        return Problem.response(Response.Status.SERVICE_UNAVAILABLE, "The database did not answer (" + e.getMessage()
                + "). Check /q/health/ready and the database, then try again.", uri.getPath());
    }

    @ServerExceptionMapper
    Response wrapped(CompletionException e, UriInfo uri) {
        if (e.getCause() instanceof PublishRejectedException rejected) {
            return publishRejected(rejected, uri);
        }
        return unexpected(e, uri);
    }

    @ServerExceptionMapper
    Response unexpected(Exception e, UriInfo uri) {
        LOG.errorf(e, "Unexpected error on %s", uri.getPath());
        return Problem.response(Response.Status.INTERNAL_SERVER_ERROR,
                "CellHub failed unexpectedly (" + e.getClass().getSimpleName() + "). The log has the details.", uri.getPath());
    }
}
