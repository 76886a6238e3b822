package io.heartgate.users;

import io.heartgate.audit.AuditLog;
import io.heartgate.auth.AuthChanges;
import io.heartgate.auth.Invalidation;
import io.heartgate.auth.Principal;
import io.heartgate.auth.Role;
import io.heartgate.core.ClientInfo;
import io.heartgate.core.Conflict;
import io.heartgate.core.Forbidden;
import io.heartgate.core.Invalid;
import io.heartgate.core.NotFound;
import io.heartgate.core.TooManyAttempts;
import io.heartgate.core.Unauthorized;
import io.heartgate.core.Unavailable;
import io.heartgate.metrics.LoginMeters;
import io.heartgate.tokens.TokenService;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.logging.Logger;

/**
 * The rules of users: exactly one owner; only the owner creates, promotes, changes or deletes administrators, but
 * for an administrator's own password, changed in their session; the owner cannot be demoted, disabled or deleted;
 * logins within the {@link LoginLimits}; passwords by the {@link PasswordRules}. A role change or a disabled user
 * narrows grants at once; a password change ends the user's other sessions.
 */
public final class UserService {
  private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@+-]{1,64}");
  private static final String NOT_A_USERNAME = "(not a valid username)";
  /** What a refused login is told, whatever the reason. */
  static final String INVALID_LOGIN = "Invalid username or password";
  private static final Logger LOG = Logger.getLogger(UserService.class.getName());

  /** How many times a change of a user is read and checked again when another change came in between. */
  private static final int CHANGE_ATTEMPTS = 5;

  private final UserRepository users;
  private final TokenService tokens;
  private final SessionService sessions;
  private final PasswordHasher hasher;
  private final LoginLimits limits;
  private final AuthChanges changes;
  private final AuditLog audit;
  /** When a user was created. */
  private final Clock clock;
  private final LoginMeters logins;

  /** @param logins counts login attempts by result */
  public UserService(UserRepository users, TokenService tokens, SessionService sessions, PasswordHasher hasher,
      LoginLimits limits, AuthChanges changes, AuditLog audit, Clock clock, LoginMeters logins) {
    this.users = users;
    this.tokens = tokens;
    this.sessions = sessions;
    this.hasher = hasher;
    this.limits = limits;
    this.changes = changes;
    this.audit = audit;
    this.clock = clock;
    this.logins = logins;
  }

  public Future<Boolean> ownerExists() {
    return users.owner().map(Optional::isPresent);
  }

  /** First start: the owner, through POST /api/auth/setup. 409 once an owner exists. */
  public Future<User> setup(String username, String password, ClientInfo client) {
    PasswordRules.check(username, password);
    return ownerExists().compose(exists -> exists
            ? Future.failedFuture(UserRepository.ownerExists())
            : insert(username, password, Role.OWNER))
        .compose(owner -> audit.record("user.create", null, "user", owner.id(), AuditLog.SUCCESS,
            client).map(owner));
  }

  /** OWNER_USERNAME and OWNER_PASSWORD at start-up: create the owner when there is none yet. */
  public Future<Void> bootstrapOwner(String username, String password) {
    if (username.isEmpty() && password.isEmpty()) {
      return Future.succeededFuture();
    }
    if (username.isEmpty() || password.isEmpty()) {
      LOG.warning("OWNER_USERNAME and OWNER_PASSWORD must both be set to create the owner; ignoring them");
      return Future.succeededFuture();
    }
    return ownerExists().compose(exists -> {
      if (exists) {
        return Future.succeededFuture();
      }
      try {
        PasswordRules.check(username, password);
      } catch (Invalid weak) {
        return Future.failedFuture(new IllegalArgumentException("OWNER_PASSWORD is refused: " + weak.getMessage()));
      }
      return setup(username, password, ClientInfo.system())
          .onSuccess(owner -> LOG.info("created the owner " + owner.username() + " from OWNER_USERNAME"))
          .<Void>mapEmpty()
          // Another node may have created it at the same moment.
          .recover(e -> ownerExists().compose(created -> created ? Future.succeededFuture() : Future.failedFuture(e)));
    });
  }

  /**
   * Checks a password from a client (counted by its address), within the login limits: refused at once when this
   * node knows the client is past a limit; else a place on the hashing pool (429 at once when it is full), then the
   * attempt is counted (429 past a limit), then the hash is compared, for an unknown username against a decoy, so
   * every answer but success looks and takes the same.
   */
  public Future<User> login(String username, String password, ClientInfo client) {
    String address = client.address();
    TooManyAttempts remembered = limits.remembered(username, address);
    if (remembered != null) {
      logins.attempted(LoginMeters.Result.LOCKED_OUT);
      return Future.failedFuture(remembered);
    }
    return hasher.withPlace(place -> limits.admit(username, address)
        .recover(failure -> failure instanceof TooManyAttempts
            ? auditLogin(null, username, AuditLog.FAILURE, client).transform(ignored -> Future.failedFuture(failure))
            : Future.failedFuture(failure))
        .compose(attempt -> check(place, attempt, username, password, client)))
        .andThen(outcome -> logins.attempted(result(outcome.failed() ? outcome.cause() : null)));
  }

  /** How a login ended, for the meters: a 429 is a closed limit's (locked out) or the full hashing pool's (busy). */
  private static LoginMeters.Result result(Throwable failure) {
    if (failure == null) {
      return LoginMeters.Result.SUCCESS;
    } else if (failure instanceof Unauthorized) {
      return LoginMeters.Result.FAILURE;
    } else if (failure instanceof TooManyAttempts tooMany) {
      return LoginLimits.isLimitRefusal(tooMany) ? LoginMeters.Result.LOCKED_OUT : LoginMeters.Result.BUSY;
    }
    return LoginMeters.Result.ERROR;
  }

  private Future<User> check(PasswordHasher.Place place, LoginLimits.Attempt attempt, String username,
      String password, ClientInfo client) {
    return users.byUsername(username).compose(found -> place.matches(password, found.map(User::passwordHash)
            .orElse(null))
        .compose(matches -> {
          if (!matches || !found.get().active()) {
            return auditLogin(found.orElse(null), username, AuditLog.FAILURE, client)
                .compose(ignored -> Future.failedFuture(new Unauthorized(INVALID_LOGIN)));
          }
          return limits.succeeded(attempt)
              .compose(ignored -> auditLogin(found.get(), username, AuditLog.SUCCESS, client))
              .map(found.get());
        }));
  }

  /**
   * A login, its target the user, or the name tried when there is none: as written when a user could bear it, else
   * {@value #NOT_A_USERNAME}, so that no anonymous client writes text of its choosing into the audit log.
   */
  private Future<Void> auditLogin(User user, String username, String outcome, ClientInfo client) {
    String target = user != null ? user.id() : validUsername(username) ? username : NOT_A_USERNAME;
    return audit.record("auth.login", "user", user == null ? null : user.id(), "user", target, outcome, client);
  }

  /**
   * A lost owner password, reset from the command line by whoever runs the gateway: the password rules as in the
   * API, then every session of the owner ends. Audited as done by the system, from the command line's client.
   */
  public Future<User> resetOwnerPassword(String password, ClientInfo client) {
    return users.owner().compose(owner -> owner.isEmpty()
            ? Future.<User>failedFuture(new NotFound("There is no owner yet; the first start creates one"))
            : get(owner.get().id()))
        .compose(owner -> {
          PasswordRules.check(owner.username(), password);
          return hasher.hash(password)
              .compose(hash -> users.setPassword(owner.id(), hash))
              .compose(ignored -> sessions.closeAllOf(owner.id()))
              .compose(ignored -> audit.record("user.password_reset", null, "user", owner.id(), AuditLog.SUCCESS,
                  client))
              .map(owner);
        });
  }

  /**
   * A user acting in person outside any session (the command line's create-token): the permissions of their role;
   * 404 when there is no such user, 403 when the user is disabled.
   */
  public Future<Principal> actingAs(String username) {
    return users.byUsername(username).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(new NotFound("No user is named " + username));
      }
      User user = found.get();
      if (!user.active()) {
        return Future.failedFuture(new Forbidden("the user " + username + " is disabled"));
      }
      return Future.succeededFuture(new Principal(user.id(), user.username(), user.role(),
          user.role().permissions(), null));
    });
  }

  public Future<List<User>> list() {
    return users.all();
  }

  public Future<User> get(String id) {
    return users.byId(id).compose(UserService::orNotFound);
  }

  public Future<User> create(Principal actor, String username, String password, Role role, ClientInfo client) {
    PasswordRules.check(username, password);
    if (role == Role.OWNER) {
      return Future.failedFuture(new Invalid("role", "there is exactly one owner; choose administrator, "
          + "manager or viewer"));
    }
    if (role == Role.ADMINISTRATOR && actor.role() != Role.OWNER) {
      return refused("user.create", actor, null, client,
          new Forbidden("only the owner can create administrators"));
    }
    return users.byUsername(username).compose(existing -> existing.isPresent()
            ? Future.failedFuture(UserRepository.usernameTaken())
            : insert(username, password, role))
        .compose(user -> audit.record("user.create", actor, "user", user.id(), AuditLog.SUCCESS,
            client).map(user));
  }

  /** A change of users refused to the actor (403) is audited as a failure, as a refused login is. */
  private <T> Future<T> refused(String action, Principal actor, String targetId, ClientInfo client, Throwable why) {
    Future<T> refusal = Future.failedFuture(why);
    return why instanceof Forbidden
        ? audit.record(action, actor, "user", targetId, AuditLog.FAILURE, client).transform(ignored -> refusal)
        : refusal;
  }

  /**
   * A change of role, status or password; null fields stay as they are. A password change ends the user's sessions
   * but {@code keptSession} (the cookie of the session that made the change; null when a token made it).
   */
  public Future<User> update(Principal actor, String id, Role role, String status, String password,
      String keptSession, ClientInfo client) {
    return changed(actor, id, role, status, password, null, CHANGE_ATTEMPTS)
        .compose(written -> (password == null ? Future.<Void>succeededFuture()
            : sessions.closeOthersOf(id, keptSession)).map(written))
        .compose(written -> audit.record("user.update", actor, "user", id, AuditLog.SUCCESS, client)
            .map(written))
        .recover(failure -> refused("user.update", actor, id, client, failure));
  }

  /**
   * Reads the user, checks the change against it and writes it over that user only; read and checked again when
   * another change came in between (see {@link UserRepository#update}). A new password is hashed once: {@code
   * hashed} is its hash from an earlier attempt, or null. The user as written, not read again: a change or deletion
   * landing meanwhile would answer a change that was made with 404, or with the other's fields.
   */
  private Future<User> changed(Principal actor, String id, Role role, String status, String password,
      Future<String> hashed, int attempts) {
    return get(id).compose(user -> {
      Role newRole = role == null ? user.role() : role;
      String newStatus = status == null ? user.status() : status;
      checkMayChange(actor, user, newRole, newStatus, password != null);
      if (password != null) {
        PasswordRules.check(user.username(), password);
      }
      Future<String> hash = password == null ? Future.succeededFuture(user.passwordHash())
          : hashed != null ? hashed : hasher.hash(password);
      return hash.compose(newHash -> users.update(user, newRole, newStatus, newHash).compose(written -> {
        if (!written) {
          return attempts > 1 ? changed(actor, id, role, status, password, password == null ? null : hash,
              attempts - 1) : changedMeanwhile();
        }
        return narrowGrants(actor, user, newRole, newStatus).map(new User(user.id(), user.username(), newHash,
            newRole, newStatus, user.createdAt()));
      }));
    });
  }

  private static <T> Future<T> changedMeanwhile() {
    return Future.failedFuture(new Unavailable("busy", "The user changed while it was being changed; try again"));
  }

  private static void checkMayChange(Principal actor, User user, Role newRole, String newStatus,
      boolean newPassword) {
    if (user.role() == Role.OWNER) {
      if (actor.role() != Role.OWNER) {
        throw new Forbidden("only the owner can change the owner");
      }
      if (newRole != Role.OWNER || !User.ACTIVE.equals(newStatus)) {
        throw new Conflict("owner_required", "The owner cannot be demoted or disabled; exactly one owner exists");
      }
    } else if (newRole == Role.OWNER) {
      throw new Invalid("role", "there is exactly one owner; choose administrator, manager or viewer");
    }
    boolean touchesAdministrator = user.role() == Role.ADMINISTRATOR || newRole == Role.ADMINISTRATOR;
    // Their own password (role and status as they are) is no promotion: an administrator may change it in their
    // session. Not with a token: one narrowed to users:write would otherwise win every permission of the role.
    boolean ownPasswordOnly = newPassword && user.id().equals(actor.userId()) && actor.tokenId() == null
        && newRole == user.role() && newStatus.equals(user.status());
    if (touchesAdministrator && actor.role() != Role.OWNER && !ownPasswordOnly) {
      throw new Forbidden("only the owner can promote, change or demote administrators");
    }
  }

  /**
   * Re-clamps tokens to a new role (the token rules drop their grants), ends sessions, and drops cached grants
   * of a disabled or re-enabled user, all before the caller hears back.
   */
  private Future<Void> narrowGrants(Principal actor, User before, Role newRole, String newStatus) {
    boolean roleChanged = newRole != before.role();
    boolean statusChanged = !newStatus.equals(before.status());
    if (!roleChanged && !statusChanged) {
      return Future.succeededFuture();
    }
    Future<Void> clamped = roleChanged ? tokens.clampToRole(before.id(), newRole, actor.actorId())
        : Future.succeededFuture();
    return clamped
        .compose(ignored -> sessions.closeAllOf(before.id()))
        .compose(ignored -> !statusChanged ? Future.succeededFuture()
            // A re-enabled user's tokens may be remembered as unknown: forget everything, it is rare.
            : changes.announce(User.ACTIVE.equals(newStatus) ? Invalidation.all() : Invalidation.user(before.id())));
  }

  public Future<Void> delete(Principal actor, String id, ClientInfo client) {
    return deleted(actor, id, CHANGE_ATTEMPTS)
        .compose(ignored -> changes.announce(Invalidation.user(id)))
        .compose(ignored -> audit.record("user.delete", actor, "user", id, AuditLog.SUCCESS, client))
        .recover(failure -> refused("user.delete", actor, id, client, failure));
  }

  /** Reads the user, checks the deletion against it and deletes that user only; read and checked again otherwise. */
  private Future<Void> deleted(Principal actor, String id, int attempts) {
    return get(id).compose(user -> {
      if (user.role() == Role.OWNER) {
        return Future.failedFuture(actor.role() == Role.OWNER
            ? new Conflict("owner_required", "The owner cannot be deleted; exactly one owner exists")
            : new Forbidden("only the owner can change the owner"));
      }
      if (user.role() == Role.ADMINISTRATOR && actor.role() != Role.OWNER) {
        return Future.failedFuture(new Forbidden("only the owner can delete administrators"));
      }
      return users.delete(user).compose(gone -> gone ? Future.<Void>succeededFuture()
          : attempts > 1 ? deleted(actor, id, attempts - 1) : changedMeanwhile());
    });
  }

  /** Ends the session of the cookie (none: nothing to end) and audits the sign-out. */
  public Future<Void> logout(Principal actor, String cookie, ClientInfo client) {
    return cookie == null ? Future.succeededFuture() : sessions.close(cookie)
        .compose(ignored -> audit.record("auth.logout", actor, "user", actor.userId(), AuditLog.SUCCESS, client));
  }

  private Future<User> insert(String username, String password, Role role) {
    checkUsername(username);
    return hasher.hash(password).compose(hash -> {
      User user = new User(UUID.randomUUID().toString(), username, hash, role, User.ACTIVE, clock.millis());
      return users.insert(user).map(user);
    });
  }

  private static boolean validUsername(String username) {
    return USERNAME.matcher(username).matches();
  }

  private static void checkUsername(String username) {
    if (!validUsername(username)) {
      throw new Invalid("username", "username must be 1 to 64 letters, digits or . _ @ + -");
    }
  }

  private static Future<User> orNotFound(Optional<User> user) {
    return user.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(new NotFound("No such user")));
  }
}
