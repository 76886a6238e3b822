package io.heartgate.audit;

import io.heartgate.auth.Principal;
import io.heartgate.core.ClientInfo;

/**
 * One audited action: who (a user, a token, or the system), did what, to which object, with what outcome,
 * from where.
 */
public record AuditEvent(long at, String action, String actorType, String actorId, String targetType,
    String targetId, String outcome, String clientIp, String userAgent) {

  public static final String SUCCESS = "success";
  public static final String FAILURE = "failure";

  public static AuditEvent of(String action, Principal actor, String targetType, String targetId, String outcome,
      ClientInfo client) {
    return new AuditEvent(System.currentTimeMillis(), action, actor == null ? "system" : actor.actorType(),
        actor == null ? null : actor.actorId(), targetType, targetId, outcome, client.address(), client.userAgent());
  }
}
