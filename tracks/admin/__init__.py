"""The programme in the admin.

Catalogue (fields, tracks), cycles with their criteria and quotas, announcements and reviewers are edited here and
every change is audited (audit.admin_mixins.AuditedModelAdmin). What provinces submit and what the services
compute (nominations, library entries, monitoring reports, assignments, scores, rankings, objections) is
read-only here: its states change only through tracks/services. A published list never changes.
"""

from . import (  # noqa: F401 - registers the admins
    announcements,
    catalog,
    cycles,
    library,
    lists,
    nominations,
    notifications,
    review,
)
