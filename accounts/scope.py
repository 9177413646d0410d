"""Who may see what, decided once: the ``Scope`` every selector, predicate, admin queryset, download and export takes.

A scope is who acts (the account), which roles they hold, and the unit they act for: programme staff the whole
programme, a provincial official their province, a zone's committee (preparer) their zone. The ladder
"staff → everything, official → province, preparer → zone, anyone else → nothing" is written once, in
``Scope.narrow`` (for querysets) and ``Scope.covers`` (for one object); everything else asks them.

A scope is resolved lazily on first use, after authentication: ``scope_of(request)`` reads ``request.user``, which
for the token API is DRF's authenticated user (the token's account), not the session's. It is memoised on the
account object (so a request, its services and its selectors resolve the roles and the binding once), never
stored in the session, and never built on a public page that does not ask for it (so no session is loaded there).
"""

from __future__ import annotations

from functools import cached_property

from . import roles

_MEMO = "_ntr_scope"


class Scope:
    """The access scope of one account (or of nobody): use ``Scope.of(user)`` or ``scope_of(request)``."""

    def __init__(self, user):
        self.user = user

    @classmethod
    def of(cls, who) -> Scope:
        """The scope of an account (memoised on it), of an anonymous user, or ``who`` itself if it is one."""
        if isinstance(who, Scope):
            return who
        if who is None or not getattr(who, "is_authenticated", False):
            return cls(who)
        known = getattr(who, _MEMO, None)
        if known is None:
            known = cls(who)
            setattr(who, _MEMO, known)
        return known

    # -- who -----------------------------------------------------------------------------------------------------

    @property
    def is_authenticated(self) -> bool:
        return bool(getattr(self.user, "is_authenticated", False))

    @property
    def user_id(self):
        return self.user.pk if self.is_authenticated else None

    @cached_property
    def groups(self) -> frozenset[str]:
        return roles.group_names(self.user)

    @property
    def is_superuser(self) -> bool:
        return self.is_authenticated and bool(self.user.is_superuser)

    @property
    def is_programme_staff(self) -> bool:
        """Acts for the programme (业务管理员): may run the cycle, and sees every row."""
        return roles.STAFF in self.groups

    @property
    def is_reviewer(self) -> bool:
        return roles.REVIEWER in self.groups

    @property
    def sees_everything(self) -> bool:
        """Reads every row in the admin: programme staff, and a superuser (the installation's owner) — acting as
        staff is still only for programme staff (``is_programme_staff``)."""
        return self.is_programme_staff or self.is_superuser

    # -- which unit ----------------------------------------------------------------------------------------------

    @cached_property
    def _profile(self):
        if not self.is_authenticated:
            return None
        try:
            return self.user.profile
        except Exception:  # noqa: BLE001 - RelatedObjectDoesNotExist: the account has no binding
            return None

    @cached_property
    def official_province(self):
        """The province a provincial official acts for, or None."""
        if self._profile is not None and roles.OFFICIAL in self.groups:
            return self._profile.province
        return None

    @cached_property
    def preparer_zone(self):
        """The zone a zone preparer acts for, or None."""
        if self._profile is not None and roles.ZONE_PREPARER in self.groups:
            return self._profile.zone
        return None

    @property
    def province(self):
        """The province a portal user acts for: an official's, or that of a preparer's zone; else None."""
        if self.official_province is not None:
            return self.official_province
        zone = self.preparer_zone
        return zone.province if zone is not None else None

    @property
    def zone(self):
        """The zone a zone preparer acts for (None for an official, who acts for the whole province)."""
        return None if self.official_province is not None else self.preparer_zone

    @property
    def is_official(self) -> bool:
        """Acts for a whole province (a portal user who is not a zone's committee)."""
        return self.official_province is not None

    @property
    def unit_name(self) -> str:
        """The name of the unit a portal user acts for (their zone, or their province)."""
        unit = self.zone or self.province
        return unit.name if unit is not None else ""

    @property
    def role_label(self) -> str:
        """What a portal user acts as: 省级主管部门 or 高新区管委会."""
        if not self.is_portal_user:
            return ""
        return str(roles.ROLE_LABELS[roles.OFFICIAL if self.is_official else roles.ZONE_PREPARER])

    @property
    def is_portal_user(self) -> bool:
        """Acts for a province or a zone (the provincial portal and the token API are theirs)."""
        return self.province is not None

    @property
    def acts_for_unit(self) -> bool:
        """Programme staff, or a portal user: someone the library's and cultivation pages are for."""
        return self.is_programme_staff or self.is_portal_user

    # -- the ladder, written once --------------------------------------------------------------------------------

    def narrow(self, queryset, *, province: str = "province", zone: str = "zone", everything=None):
        """``queryset`` narrowed to this scope: everything for those who see everything (``everything`` overrides
        who that is), a province's rows for its official, a zone's for its preparer, none for anyone else.
        ``province`` and ``zone`` are the lookups from the queryset's model to them."""
        if self.sees_everything if everything is None else everything:
            return queryset
        if self.official_province is not None:
            return queryset.filter(**{province: self.official_province})
        if self.preparer_zone is not None:
            return queryset.filter(**{zone: self.preparer_zone})
        return queryset.none()

    def covers(self, *, province_id, zone_id, everything=None) -> bool:
        """Whether one row of ``province_id`` and ``zone_id`` is in this scope (``narrow`` for a single object)."""
        if self.sees_everything if everything is None else everything:
            return True
        if self.official_province is not None:
            return self.official_province.pk == province_id
        if self.preparer_zone is not None:
            return self.preparer_zone.pk == zone_id
        return False

    def __repr__(self) -> str:
        return f"<Scope user={self.user_id} groups={sorted(self.groups)}>"


def scope_of(request) -> Scope:
    """The scope of whoever makes the request: for the token API, DRF's ``request.user`` (the token's account)."""
    return Scope.of(getattr(request, "user", None))
