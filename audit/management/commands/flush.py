"""``flush`` as the owner role: only the owner may TRUNCATE (audit.db_roles). The test suite's transactional tests
flush through this command too."""

from django.core.management.commands.flush import Command as FlushCommand

from audit.db_roles import owner_connection


class Command(FlushCommand):
    def handle(self, **options):
        with owner_connection(options["database"]):
            return super().handle(**options)
