"""Shared plumbing of the account commands: the password comes from stdin or a prompt, never argv."""

import getpass
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _


class AccountCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--password-stdin", action="store_true", help=_("从标准输入读取密码（第一行）。"))

    def read_password(self, options) -> str:
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = getpass.getpass(_("密码："))
            if password != getpass.getpass(_("再次输入密码：")):
                raise CommandError(_("两次输入的密码不一致。"))
        if not password:
            raise CommandError(_("密码不能为空。"))
        return password

    def run_create(self, create, **kwargs):
        try:
            user = create(**kwargs)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(_("已创建账户 %(username)s。") % {"username": user.username}))
        return user
