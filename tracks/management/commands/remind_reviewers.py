"""Daily: the reviewer reminders of mail.rules (3 days before, on the due day, every 2 days overdue)."""

from django.core.management.base import BaseCommand

from tracks.services.reminders import reminders_due


class Command(BaseCommand):
    help = "Send the due reviewer reminders (each rule once per assignment and due date); run it daily."

    def handle(self, *args, **options):
        sent = reminders_due()
        for rule, count in sent.items():
            self.stdout.write(f"{rule}: {count} reviewer(s) reminded")
