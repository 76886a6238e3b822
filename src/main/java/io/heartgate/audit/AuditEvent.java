package io.heartgate.audit;

/**
 * One audited action as recorded: who (a user, a token, or the system), did what, to which object, with what
 * outcome, from where.
 */
public record AuditEvent(long at, String action, String actorType, String actorId, String targetType,
    String targetId, String outcome, String clientIp, String userAgent) {
}
