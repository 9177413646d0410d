"""One door for the statuses of nominations and cycles.

``Nomination.status`` and ``Cycle.status`` change only inside a transition of ``tracks.workflow`` (which opens the
door with ``status_door()`` around the one write of each transition). Anywhere else:

* ``QuerySet.update(status=…)`` and ``bulk_update(…, ["status", …])`` raise ``StatusDoorClosed``;
* ``save()`` of a row whose status differs from the one it was loaded (or created) with raises it too;
* creating a row in any status but the first (draft, planning) raises it, unless the creating code runs inside
  ``late_states_allowed()``: test factories that build rows to read and ``generate_scale`` (the modules listed in
  ``LATE_STATE_MODULES``, which a test checks). ``restore`` needs no exception: ``loaddata`` saves raw rows,
  below these methods.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models

_door_open: ContextVar[bool] = ContextVar("status_door_open", default=False)
_late_allowed: ContextVar[bool] = ContextVar("late_states_allowed", default=False)

#: The only modules that may create nominations or cycles in a late state (a test greps the source for this).
LATE_STATE_MODULES = (
    "tests/factories.py",
    "tracks/management/commands/generate_scale.py",
)


class StatusDoorClosed(RuntimeError):
    """A status was about to change outside tracks.workflow."""


@contextmanager
def status_door():
    """Let the enclosed code change statuses. Only tracks.workflow's transitions open it."""
    token = _door_open.set(True)
    try:
        yield
    finally:
        _door_open.reset(token)


@contextmanager
def late_states_allowed():
    """Let the enclosed code create rows in any status (and change them): factories, generate_scale, restore."""
    token = _late_allowed.set(True)
    door = _door_open.set(True)
    try:
        yield
    finally:
        _door_open.reset(door)
        _late_allowed.reset(token)


def door_is_open() -> bool:
    return _door_open.get()


def _refuse(model, what: str):
    raise StatusDoorClosed(
        f"{model._meta.label}.status {what} outside tracks.workflow: make the change through its transition."
    )


class StatusGuardedQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if "status" in kwargs and not door_is_open():
            _refuse(self.model, "update()")
        return super().update(**kwargs)

    def bulk_update(self, objs, fields, batch_size=None):
        if "status" in fields and not door_is_open():
            _refuse(self.model, "bulk_update()")
        return super().bulk_update(objs, fields, batch_size=batch_size)

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        initial = self.model._meta.get_field("status").default
        if not _late_allowed.get() and any(obj.status != initial for obj in objs):
            _refuse(self.model, "set at creation")
        created = super().bulk_create(objs, *args, **kwargs)
        for obj in created:
            obj._loaded_status = obj.status
        return created


class StatusGuardedModel(models.Model):
    """Remembers the status a row was loaded or saved with, so ``save()`` can tell a status change without a query."""

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_status = instance.__dict__.get("status")
        return instance

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self._loaded_status = self.__dict__.get("status")

    def save(self, *args, **kwargs):
        if not door_is_open():
            if self._state.adding:
                if self.status != self._meta.get_field("status").default and not _late_allowed.get():
                    _refuse(type(self), "set at creation")
            elif self.status != getattr(self, "_loaded_status", self.status):
                # Loaded with another status, or changed in memory since: only a real change is refused.
                stored = type(self)._base_manager.filter(pk=self.pk).values_list("status", flat=True).first()
                if stored is not None and stored != self.status:
                    _refuse(type(self), "changed by save()")
        super().save(*args, **kwargs)
        self._loaded_status = self.status
