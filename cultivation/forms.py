"""Forms of the measure pages and the public filters of typical cases."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tracks.models import CultivationModel, Field
from tracks.services.attachments import ACCEPT
from zones.display import local_name
from zones.models import Province, Region

from .models import MeasureKind, SupportMeasure


class MeasureForm(forms.ModelForm):
    """One support measure; the service checks scope, dates and the attachment's content."""

    attachment = forms.FileField(
        label=_("附件"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text=_("可选。PDF、JPEG/PNG 图片或 Word（.docx）、Excel（.xlsx）文件，不超过20MB。"),
    )

    class Meta:
        model = SupportMeasure
        fields = ["kind", "title", "date", "issuer", "amount", "description"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 6}),
            "amount": forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
        }
        help_texts = {
            "title": _("如“人形机器人产业专项扶持政策”“首台（套）应用场景发布会”。"),
            "issuer": _("出台政策或组织实施的单位，如某省科技厅、某高新区管委会。"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("请选择举措类别")), *MeasureKind.choices]

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "title": data["title"],
            "date": data["date"],
            "issuer": data["issuer"],
            "amount": data.get("amount"),
            "description": data.get("description", ""),
            "attachment": data.get("attachment") or None,
        }


class RemoveForm(forms.Form):
    reason = forms.CharField(
        label=_("移除理由"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("举措不会被删除：移除后不再计入台账，记录、附件和理由均保留备查。"),
    )


class EntryFilterForm(forms.Form):
    """Filters of "my entries": province (programme staff only), field and status; an unknown value is ignored."""

    province = forms.ChoiceField(label=_("省份"), required=False)
    field = forms.ChoiceField(label=_("领域"), required=False)
    status = forms.ChoiceField(label=_("状态"), required=False)

    def __init__(self, *args, show_province=False, **kwargs):
        from tracks.models import LibraryStatus

        super().__init__(*args, **kwargs)
        if show_province:
            self.fields["province"].choices = [("", _("全部省份"))] + [
                (p.code, p.name) for p in Province.objects.order_by("code")
            ]
        else:
            del self.fields["province"]
        self.fields["field"].choices = [("", _("全部领域"))] + [
            (f.code, local_name(f)) for f in Field.objects.order_by("order", "code")
        ]
        self.fields["status"].choices = [("", _("全部状态")), *LibraryStatus.choices]

    def filters(self) -> dict:
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v not in (None, "")}


class CaseFilterForm(forms.Form):
    """Public filters of typical cases: the model illustrated, the field, the region."""

    model = forms.ChoiceField(
        label=_("培育模式"), required=False, choices=[("", _("全部模式")), *CultivationModel.choices]
    )
    field = forms.ChoiceField(label=_("领域"), required=False)
    region = forms.ChoiceField(
        label=_("区域"), required=False, choices=[("", _("全部区域")), *Region.Code.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", _("全部领域"))] + [
            (f.code, local_name(f)) for f in Field.objects.order_by("order", "code")
        ]

    def filters(self) -> dict:
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v not in (None, "")}
