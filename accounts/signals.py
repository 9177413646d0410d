"""Sign-in events in the audit log: every login, logout, failed login and lockout (等保: 身份鉴别与安全审计).

And the changes to an account that end its sessions or revoke its API tokens, wherever they are made (the admin,
the commands, the shell): a change of role (groups, staff or superuser flag, province or zone binding) or a
deactivation raises the security stamp (accounts.sessions); a new password or a deactivation revokes the tokens
(accounts.tokens)."""

import time

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver

from audit.services import audit_record

from . import roles
from .models import Profile
from .sessions import security_stamp_bump, session_stamp_refresh
from .tokens import REVOKED_DEACTIVATED, REVOKED_PASSWORD_CHANGE, api_token_revoke

User = get_user_model()

#: session keys of accounts.middleware.SessionLifetimeMiddleware
LOGIN_AT = "_ntr_login_at"
LAST_SEEN = "_ntr_last_seen"


def _attempted_username(credentials) -> str:
    return str((credentials or {}).get("username") or "")[:150]


@receiver(user_logged_in, dispatch_uid="accounts_audit_login")
def record_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[LOGIN_AT] = now
        request.session[LAST_SEEN] = now
        session_stamp_refresh(request, user)
        roles.forget(request)
    audit_record(actor=user, action="login", obj=user, request=request)


@receiver(user_logged_out, dispatch_uid="accounts_audit_logout")
def record_logout(sender, request, user, **kwargs):
    if request is not None:
        roles.forget(request)
    if user is None:  # logout of a session that had no user: nothing happened
        return
    reason = getattr(request, "ntr_logout_reason", "") if request is not None else ""
    if reason:
        audit_record(
            actor=user, action="session.expired", obj=user, after={"reason": reason}, request=request
        )
    else:
        audit_record(actor=user, action="logout", obj=user, request=request)


@receiver(user_login_failed, dispatch_uid="accounts_audit_login_failed")
def record_login_failed(sender, credentials, request=None, **kwargs):
    # The password never reaches the log: Django has already masked it in credentials; only the name is kept.
    audit_record(
        actor=None,
        action="login.failed",
        after={"username": _attempted_username(credentials), "path": getattr(request, "path", "")},
        request=request,
    )


@receiver(user_locked_out, dispatch_uid="accounts_audit_locked_out")
def record_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    audit_record(
        actor=None,
        action="login.locked",
        after={"username": str(username or "")[:150], "ip_address": ip_address},
        request=request,
    )


# ---------------------------------------------------------------------------------------------------------------
# Changes to an account that end its sessions or revoke its tokens

#: the user fields whose change is a change of role (what the account may do)
ROLE_FLAGS = ("is_staff", "is_superuser")
_WATCHED_USER_FIELDS = ("is_active", *ROLE_FLAGS)
_WATCHED_PROFILE_FIELDS = ("province_id", "zone_id")


def _stored(model, instance, fields, update_fields):
    """The stored values of ``fields`` before this save, or None for a new row or a save that cannot touch them."""
    if instance._state.adding or instance.pk is None:
        return None
    names = {name.removesuffix("_id") for name in fields} | set(fields)
    if update_fields is not None and not names & set(update_fields):
        return None
    return model._default_manager.filter(pk=instance.pk).values(*fields).first()


@receiver(pre_save, sender=User, dispatch_uid="accounts_user_before_save")
def remember_user_flags(sender, instance, raw=False, update_fields=None, **kwargs):
    # A fixture or a restore (raw) loads accounts as they were: nothing changes hands, nothing is ended.
    instance._ntr_loading = raw
    instance._ntr_stored_flags = (
        None if raw else _stored(sender, instance, _WATCHED_USER_FIELDS, update_fields)
    )


@receiver(post_save, sender=User, dispatch_uid="accounts_user_after_save")
def user_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    stored = getattr(instance, "_ntr_stored_flags", None)
    instance._ntr_stored_flags = None
    # set_password() keeps the new raw password in _password until save() has run the validators' hooks.
    if not created and getattr(instance, "_password", None) is not None:
        api_token_revoke(user=instance, reason=REVOKED_PASSWORD_CHANGE, actor=None)
    if not stored:
        return
    if stored["is_active"] and not instance.is_active:
        api_token_revoke(user=instance, reason=REVOKED_DEACTIVATED, actor=None)
        security_stamp_bump(user_id=instance.pk, reason="deactivated")
    else:
        changed = {
            name: getattr(instance, name) for name in ROLE_FLAGS if stored[name] != getattr(instance, name)
        }
        if changed:
            security_stamp_bump(user_id=instance.pk, reason="role", details=changed)


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="accounts_user_groups_changed")
def user_groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """user.groups.add/remove/set/clear (forward: ``instance`` is the user) or group.user_set.… (reverse:
    ``pk_set`` holds the users; a clear does not say whom, so its members are read before)."""
    if getattr(instance, "_ntr_loading", False):
        return
    if reverse and action == "pre_clear":
        instance._ntr_members_before_clear = list(instance.user_set.values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if action != "post_clear" and not pk_set:
        return
    verb = {"post_add": "added", "post_remove": "removed", "post_clear": "cleared"}[action]
    if not reverse:
        user_ids = [instance.pk]
        group_ids = sorted(pk_set or ())

        def details():
            return {verb: sorted(Group.objects.filter(pk__in=group_ids).values_list("name", flat=True))}

    else:
        user_ids = (
            getattr(instance, "_ntr_members_before_clear", []) if action == "post_clear" else sorted(pk_set)
        )
        names = [instance.name]

        def details():
            return {verb: names}

    for user_id in user_ids:
        security_stamp_bump(user_id=user_id, reason="groups", details=details)


@receiver(pre_save, sender=Profile, dispatch_uid="accounts_profile_before_save")
def remember_binding(sender, instance, raw=False, update_fields=None, **kwargs):
    stored = None if raw else _stored(sender, instance, _WATCHED_PROFILE_FIELDS, update_fields)
    instance._ntr_stored_binding = stored


@receiver(post_save, sender=Profile, dispatch_uid="accounts_profile_after_save")
def profile_saved(sender, instance, created, **kwargs):
    stored = getattr(instance, "_ntr_stored_binding", None)
    instance._ntr_stored_binding = None
    if stored is None:
        return
    changed = [name for name in _WATCHED_PROFILE_FIELDS if stored[name] != getattr(instance, name)]
    if changed:
        security_stamp_bump(
            user_id=instance.user_id,
            reason="binding",
            details={name.removesuffix("_id"): getattr(instance, name) for name in changed},
        )
