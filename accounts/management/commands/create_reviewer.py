from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import roles
from accounts.services import account_create
from tracks.models import Field, ReviewerProfile
from zones.models import Province, Zone

from ._base import AccountCommand


class Command(AccountCommand):
    help = _("创建评审专家账户，记录其所在省份、高新区和单位（用于回避）。")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--province", required=True, help=_("所在省份代码，如 320000"))
        parser.add_argument("--zone", default="", help=_("所在高新区编号（如有）"))
        parser.add_argument("--organisation", default="", help=_("工作单位"))
        parser.add_argument("--name", default="", help=_("姓名"))
        parser.add_argument("--fields", default="", help=_("评审领域代码，逗号分隔"))

    def handle(self, *args, **options):
        province = Province.objects.filter(code=options["province"]).first()
        if province is None:
            raise CommandError(_("未找到代码为 %(code)s 的省份。") % {"code": options["province"]})
        zone = None
        if options["zone"]:
            zone = Zone.objects.filter(key=options["zone"]).first()
            if zone is None:
                raise CommandError(_("未找到编号为 %(key)s 的高新区。") % {"key": options["zone"]})
        codes = [code.strip() for code in options["fields"].split(",") if code.strip()]
        fields = list(Field.objects.filter(code__in=codes))
        if len(fields) != len(codes):
            raise CommandError(
                _("以下领域代码不存在：%(codes)s")
                % {"codes": ", ".join(sorted(set(codes) - {f.code for f in fields}))}
            )
        password = self.read_password(options)
        with transaction.atomic():
            user = self.run_create(
                account_create, username=options["username"], password=password, role=roles.REVIEWER
            )
            profile = ReviewerProfile.objects.create(
                user=user,
                name=options["name"] or options["username"],
                organisation=options["organisation"],
                province=province,
                zone=zone,
            )
            profile.fields.set(fields)
