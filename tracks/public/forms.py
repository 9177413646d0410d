"""Forms of the public site: the lists filter (GET) and the signed objection (POST, not cached)."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext_lazy as _

from zones.display import local_name
from zones.models import Province, Region

from ..models import Field, ListStatus
from ..services.lists import EVIDENCE_MAX_BYTES, evidence_check

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


class ListFilterForm(forms.Form):
    """Filters of the lists index; every value is optional and an unknown one is ignored."""

    year = forms.TypedChoiceField(label=_("年度"), required=False, coerce=int, empty_value=None)
    field = forms.ChoiceField(label=_("领域"), required=False)
    track = forms.TypedChoiceField(label=_("新赛道"), required=False, coerce=int, empty_value=None)
    province = forms.ChoiceField(label=_("省份"), required=False)
    region = forms.ChoiceField(
        label=_("区域"), required=False, choices=[("", _("全部区域")), *Region.Code.choices]
    )
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[
            ("", _("现行榜单")),
            (ListStatus.NOTICE, _("公示中")),
            (ListStatus.PUBLISHED, _("已发布")),
            (ListStatus.SUPERSEDED, _("已更正的历史版本")),
        ],
    )

    def __init__(self, *args, years=(), tracks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("全部年度"))] + [
            (year, _("%(year)s年度") % {"year": year}) for year in years
        ]
        self.fields["field"].choices = [("", _("全部领域"))] + [
            (field.code, local_name(field)) for field in Field.objects.order_by("order", "code")
        ]
        self.fields["track"].choices = [("", _("全部赛道"))] + [(track.pk, track.name) for track in tracks]
        self.fields["province"].choices = [("", _("全部省份"))] + [
            (province.code, province.name) for province in Province.objects.order_by("code")
        ]

    def filters(self) -> dict:
        """The valid filters given; an invalid value is dropped instead of failing the page."""
        self.is_valid()
        return {
            name: value
            for name, value in getattr(self, "cleaned_data", {}).items()
            if value not in (None, "")
        }


class ObjectionForm(forms.Form):
    """异议: signed (real name, organisation, phone or email), with an optional evidence file."""

    entry = forms.TypedChoiceField(
        label=_("涉及的高新区（可选）"), required=False, coerce=int, empty_value=None
    )
    name = forms.CharField(label=_("姓名"), max_length=64)
    organisation = forms.CharField(label=_("工作单位"), max_length=128)
    contact = forms.CharField(
        label=_("联系电话或电子邮箱"),
        max_length=128,
        help_text=_("手机号、固定电话（如 010-12345678）或电子邮箱，仅用于核实和反馈异议处理结果。"),
    )
    email = forms.EmailField(
        label=_("接收回执的电子邮箱（可选）"),
        required=False,
        max_length=254,
        help_text=_("填写后，回执编号将发送到该邮箱。"),
    )
    statement = forms.CharField(
        label=_("异议内容"),
        min_length=20,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("请写明异议的具体事实和理由，不少于20字。"),
    )
    evidence = forms.FileField(
        label=_("证明材料（可选）"),
        required=False,
        help_text=_("PDF、JPG 或 PNG 文件，不超过10MB。"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png",
                "data-too-large": _("证明材料不能超过10MB，请压缩或拆分后再选择。"),
            }
        ),
    )
    captcha = forms.CharField(label=_("验证码"), max_length=16)
    pledge = forms.BooleanField(
        label=_("本人承诺以上内容真实，并同意按照隐私说明处理所填个人信息。"),
        error_messages={"required": _("提交异议须作出真实性承诺。")},
    )

    def __init__(self, *args, entries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = {entry.pk: entry for entry in entries}
        self.fields["entry"].choices = [("", _("不针对具体园区（整体异议）"))] + [
            (entry.pk, f"{entry.rank}. {entry.zone.name}") for entry in entries
        ]
        self.fields["captcha"].widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "off", "aria-describedby": "captcha-help"}
        )
        self.fields["contact"].widget.attrs.update({"autocomplete": "tel"})
        self.fields["email"].widget.attrs.update({"autocomplete": "email"})
        self.fields["name"].widget.attrs.update({"autocomplete": "name"})
        self.fields["organisation"].widget.attrs.update({"autocomplete": "organization"})

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_contact(self):
        contact = self.cleaned_data["contact"].strip().replace(" ", "")
        if MOBILE.match(contact) or LANDLINE.match(contact):
            return contact
        try:
            EmailValidator()(contact)
        except ValidationError:
            raise ValidationError(_("请填写有效的手机号、固定电话或电子邮箱。"), code="contact") from None
        return contact

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if not upload:
            return None
        if upload.size > EVIDENCE_MAX_BYTES:
            raise ValidationError(_("证明材料不能超过10MB。"), code="too_large")
        evidence_check(upload)
        return upload

    def clean_entry(self):
        pk = self.cleaned_data.get("entry")
        if pk is None:
            return None
        entry = self.entries.get(pk)
        if entry is None:
            raise ValidationError(_("请选择榜单中的高新区。"), code="entry")
        return entry


class ObjectionLookupForm(forms.Form):
    """An objector looks up their objection: the receipt number and the contact they gave when filing it."""

    receipt = forms.CharField(
        label=_("回执编号"),
        max_length=32,
        help_text=_("提交异议后页面显示的编号，如 YY20250801-ABCD2345。"),
    )
    contact = forms.CharField(
        label=_("联系电话或电子邮箱"),
        max_length=128,
        help_text=_("提交异议时填写的联系电话或电子邮箱。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receipt"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        self.fields["contact"].widget.attrs.update({"autocomplete": "off"})
