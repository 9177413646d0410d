from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from accounts import roles
from accounts.services import account_create
from zones.models import Zone

from ._base import AccountCommand


class Command(AccountCommand):
    help = _("创建高新区管委会账户，绑定一个国家高新区。")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--zone", required=True, help=_("高新区编号，如 440000-03"))
        parser.add_argument("--name", default="", help=_("姓名"))

    def handle(self, *args, **options):
        zone = Zone.objects.filter(key=options["zone"]).first()
        if zone is None:
            raise CommandError(_("未找到编号为 %(key)s 的高新区。") % {"key": options["zone"]})
        self.run_create(
            account_create,
            username=options["username"],
            password=self.read_password(options),
            role=roles.ZONE_PREPARER,
            zone=zone,
            display_name=options["name"],
        )
