package io.cellhub.security;

import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * A Content Security Policy on every dashboard page: scripts and styles only from CellHub itself,
 * no inline script, no framing. {@code X-Content-Type-Options} and {@code X-Frame-Options} are set for
 * every response in {@code application.properties}.
 */
public class SecurityHeaders {

    static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

    @ServerResponseFilter
    public void addPolicy(ContainerResponseContext response) {
        MediaType type = response.getMediaType();
        if (type != null && type.isCompatible(MediaType.TEXT_HTML_TYPE)) {
            response.getHeaders().putSingle("Content-Security-Policy", POLICY);
        }
    }
}
