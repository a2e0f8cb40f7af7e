package io.cellhub.web;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.cellhub.store.DeviceSessions;
import io.cellhub.store.DeviceSessions.DeviceSession;

@Path("/api/sessions")
@Produces(MediaType.APPLICATION_JSON)
public class SessionResource {

    private final DeviceSessions sessions;

    public SessionResource(DeviceSessions sessions) {
        this.sessions = sessions;
    }

    @GET
    @Operation(summary = "Devices with their online state, connection times, subscriptions and message counts")
    public List<DeviceSession> list() {
        return sessions.list();
    }
}
