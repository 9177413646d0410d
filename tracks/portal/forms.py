"""Forms of the provincial portal. They validate input; the services make every change."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.scope import Scope

from .. import selectors
from ..models import Field, MonitoringReport, Nomination, TrackStatus
from ..models.indicators import COUNT_INDICATORS, INDICATOR_FIELDS, MONEY_INDICATORS, SIGNED_INDICATORS
from ..services.attachments import ACCEPT

CONTENT_FIELDS = ["origin", "cultivation_model", "public_summary", "narrative", *INDICATOR_FIELDS]


def _style_indicator_widgets(form):
    for name, _label in COUNT_INDICATORS:
        if name in form.fields:
            form.fields[name].widget.attrs.update({"min": 0, "step": 1, "inputmode": "numeric"})
    for name, _label in MONEY_INDICATORS:
        if name in form.fields:
            form.fields[name].widget.attrs.update({"min": 0, "step": "0.01", "inputmode": "decimal"})
    for name, _label in SIGNED_INDICATORS:
        if name in form.fields:
            form.fields[name].widget.attrs.update({"min": -100, "step": "0.01", "inputmode": "decimal"})


class TrackChoiceField(forms.ChoiceField):
    """The tracks a user may name, grouped by field (<optgroup>), cleaned to a Track."""

    def __init__(self, *, queryset, **kwargs):
        self.queryset = queryset
        super().__init__(**kwargs)
        groups: dict = {}
        for track in queryset.order_by("field__order", "field__code", "name"):
            label = track.name
            if track.status == TrackStatus.PROPOSED:
                label = gettext("%(name)s（待审核）") % {"name": track.name}
            groups.setdefault(track.field.name, []).append((str(track.pk), label))
        self.choices = [("", _("请选择新赛道")), *groups.items()]

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return None
        try:
            return self.queryset.get(pk=value)
        except (ValueError, self.queryset.model.DoesNotExist):
            raise forms.ValidationError(_("请选择有效的新赛道。"), code="invalid_choice") from None


class NominationForm(forms.ModelForm):
    """Create or edit a nomination's content. The zone is chosen at creation only; a track may be proposed."""

    new_track_name = forms.CharField(
        label=_("提议新赛道名称"),
        required=False,
        max_length=64,
        help_text=_("列表中没有合适的赛道时填写，提交后由业务管理员审核或并入已有赛道。"),
    )
    new_track_field = forms.ModelChoiceField(
        label=_("所属领域"), queryset=Field.objects.all(), required=False, empty_label=_("请选择领域")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Nomination
        fields = ["zone", *CONTENT_FIELDS]
        widgets = {
            "public_summary": forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
            "narrative": forms.Textarea(attrs={"rows": 10}),
        }

    def __init__(self, *args, user, nomination=None, **kwargs):
        self.user = user
        super().__init__(*args, instance=nomination, **kwargs)
        zones = selectors.zones_for(Scope.of(user))
        self.fields["zone"].queryset = zones
        self.fields["zone"].empty_label = _("请选择国家高新区")
        if nomination is not None and nomination.pk:
            # The zone is fixed once the nomination exists.
            self.fields["zone"].disabled = True
            self.fields["zone"].queryset = type(nomination.zone).objects.filter(pk=nomination.zone_id)
            self.fields["version"].initial = nomination.version
        elif zones.count() == 1:
            self.fields["zone"].initial = zones.first().pk
        tracks = selectors.tracks_selectable(Scope.of(user))
        if nomination is not None and nomination.track_id:
            tracks = (
                type(nomination.track)
                .objects.filter(Q(pk__in=tracks.values("pk")) | Q(pk=nomination.track_id))
                .select_related("field")
            )
        self.fields["track"] = TrackChoiceField(
            queryset=tracks,
            label=_("新赛道"),
            required=False,
            initial=str(nomination.track_id) if nomination is not None and nomination.track_id else "",
            help_text=_("可按名称、别名、拼音或首字母搜索。"),
        )
        self.order_fields(["zone", "track", "new_track_name", "new_track_field"])
        _style_indicator_widgets(self)

    def _post_clean(self):
        # The model is validated by the service (nomination_create / nomination_update), not here.
        pass

    def clean(self):
        cleaned = super().clean()
        track, name = cleaned.get("track"), (cleaned.get("new_track_name") or "").strip()
        if name:
            if cleaned.get("new_track_field") is None:
                self.add_error("new_track_field", _("提议新赛道时请选择所属领域。"))
        elif track is None and "track" not in self.errors:
            self.add_error("track", _("请选择新赛道，或提议一个新赛道。"))
        return cleaned

    def content(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in CONTENT_FIELDS}

    def indicator_fields(self):
        return [self[name] for name in INDICATOR_FIELDS]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("理由"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required


class AttachmentForm(forms.Form):
    material = forms.ChoiceField(label=_("材料类别"), required=False)
    file = forms.FileField(
        label=_("选择文件"),
        help_text=_("支持 PDF、JPEG/PNG、Word（.docx）、Excel（.xlsx），单个文件不超过20MB。"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args, materials=(), **kwargs):
        super().__init__(*args, **kwargs)
        # The cycle's required materials first, then any other file; the service checks the choice again.
        self.fields["material"].choices = [*((name, name) for name in materials), ("", _("其他材料"))]
        if not materials:
            del self.fields["material"]


class LetterForm(forms.Form):
    """The 推荐函's heading, given on its print page: the document number and the department's full name."""

    doc_no = forms.CharField(
        label=_("文号"),
        required=False,
        max_length=40,
        help_text=_("如“粤科函〔2026〕12号”；留空则留出填写位置。"),
    )
    department = forms.CharField(
        label=_("推荐单位全称"),
        required=False,
        max_length=64,
        help_text=_("省级主管部门的全称，如“广东省科学技术厅”。"),
    )


class MonitoringReportForm(forms.ModelForm):
    class Meta:
        model = MonitoringReport
        fields = [*INDICATOR_FIELDS, "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style_indicator_widgets(self)

    def _post_clean(self):
        pass

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("填好的推荐模板（.xlsx）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class NominationFilterForm(forms.Form):
    cycle = forms.TypedChoiceField(label=_("年度批次"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("状态"), required=False)
    q = forms.CharField(label=_("关键词"), required=False, max_length=64)

    def __init__(self, *args, cycles, statuses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].choices = [("", _("全部年度")), *[(c.pk, str(c)) for c in cycles]]
        self.fields["status"].choices = [("", _("全部状态")), *statuses]
