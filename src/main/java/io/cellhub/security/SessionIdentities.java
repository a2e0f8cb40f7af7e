package io.cellhub.security;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TrustedAuthenticationRequest;
import io.smallrye.mutiny.Uni;

/** The identity behind a valid session cookie: the user must still be configured, with today's role. */
@ApplicationScoped
public class SessionIdentities implements IdentityProvider<TrustedAuthenticationRequest> {

    private final UserDirectory users;

    public SessionIdentities(UserDirectory users) {
        this.users = users;
    }

    @Override
    public Class<TrustedAuthenticationRequest> getRequestType() {
        return TrustedAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TrustedAuthenticationRequest request, AuthenticationRequestContext context) {
        return users.role(request.getPrincipal())
                .map(role -> Uni.createFrom().item(UserIdentities.identity(request.getPrincipal(), role)))
                .orElseGet(() -> Uni.createFrom().failure(new AuthenticationFailedException("Unknown user")));
    }
}
