"""Counters of the per-address limits when there is no shared cache: one row per (scope, subject)."""

from django.db import models


class RateCounter(models.Model):
    """Requests counted in a fixed window: ``count`` since the window began, which ends at ``window_ends``
    (seconds since the epoch, an integer so that PostgreSQL and SQLite compare it the same way)."""

    scope = models.CharField(max_length=64)
    subject = models.CharField(max_length=128)
    count = models.PositiveIntegerField(default=0)
    window_ends = models.BigIntegerField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "subject"], name="throttle_counter_unique")]

    def __str__(self):
        return f"{self.scope} {self.subject}: {self.count}"
