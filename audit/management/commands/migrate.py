"""``migrate`` as the owner role: the tables, triggers and privileges belong to it (audit.db_roles)."""

from django.core.management.commands.migrate import Command as MigrateCommand

from audit.db_roles import owner_connection


class Command(MigrateCommand):
    def handle(self, *args, **options):
        with owner_connection(options["database"]):
            return super().handle(*args, **options)
