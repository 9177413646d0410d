"""Send the e-mail outbox: run it every minute (cron or a systemd timer, see the README's deployment part)."""

from django.core.management.base import BaseCommand

from mail.services import outbox_send, uncertain_count


class Command(BaseCommand):
    help = "Send queued e-mail of the outbox (each row at most once, safe with several senders)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=200, help="rows to send in this run at most")

    def handle(self, *args, limit, **options):
        report = outbox_send(limit=limit)
        if report.no_host:
            self.stdout.write("DJANGO_EMAIL_HOST is not set: nothing is sent (new rows are stored as held).")
            return
        self.stdout.write(
            f"sent {report.sent}, deferred {report.deferred}, refused {report.refused}, failed {report.failed}, "
            f"taken by another sender {report.skipped}"
        )
        for error in report.errors:
            self.stderr.write(str(error))
        uncertain = uncertain_count()
        if uncertain:
            self.stderr.write(f"{uncertain} row(s) uncertain: a sender's lease ran out before it reported")
        if report.down:
            # Not an error of this run: the rows wait for the server; a non-zero exit lets the timer's log show it.
            self.stderr.write(f"mail server unavailable, rows wait: {report.down}")
            raise SystemExit(75)  # EX_TEMPFAIL
