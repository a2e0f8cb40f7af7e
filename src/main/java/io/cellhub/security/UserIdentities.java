package io.cellhub.security;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

/** Checks a username and password against {@link UserDirectory}, off the event loop (PBKDF2 is slow on purpose). */
@ApplicationScoped
public class UserIdentities implements IdentityProvider<UsernamePasswordAuthenticationRequest> {

    private final UserDirectory users;

    public UserIdentities(UserDirectory users) {
        this.users = users;
    }

    @Override
    public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
        return UsernamePasswordAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(UsernamePasswordAuthenticationRequest request,
            AuthenticationRequestContext context) {
        return context.runBlocking(() -> users.authenticate(request.getUsername(), new String(request.getPassword().getPassword()))
                .map(role -> identity(request.getUsername(), role))
                .orElseThrow(() -> new AuthenticationFailedException("Wrong username or password")));
    }

    static SecurityIdentity identity(String username, Role role) {
        return QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(username)).addRoles(role.names()).build();
    }
}
