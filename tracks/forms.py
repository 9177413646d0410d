"""Forms of the tracks app."""

from django import forms
from django.core.exceptions import ValidationError

from .models import Criterion, Cycle
from .services.cycles import check_criteria_editable, validate_criteria


def normalise_newlines(value: str) -> str:
    """Line breaks as stored: a browser posts a textarea's as CRLF, the database keeps LF."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


class MultilineTextField(forms.CharField):
    """A textarea's text with LF line breaks: saved as LF, and unchanged when only its line breaks (or surrounding
    space) differ from the stored text, so saving a form untouched changes nothing and audits no edit."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_newlines(value) if isinstance(value, str) else value

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        before = normalise_newlines(str(initial or "")).strip()
        after = self.to_python(data)
        return before != (after or "").strip()


def _stored_cycle(cycle):
    """The cycle as stored now, so a freeze that happened while the form was open is seen."""
    if cycle is None or cycle.pk is None:
        return None
    return Cycle.objects.filter(pk=cycle.pk).only("criteria_frozen_at").first()


class CriterionInlineFormSet(forms.BaseInlineFormSet):
    """The criteria of a cycle, edited together: checked by the same rule as ``criteria_update``."""

    #: set by the admin when the user may only view the rows (the cycle's criteria are frozen)
    read_only = False

    def clean(self):
        super().clean()
        if self.read_only or any(self.errors):
            return
        stored = _stored_cycle(self.instance)
        if stored is not None and self.has_changed():
            check_criteria_editable(stored)
        weights = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or (self.can_delete and self._should_delete_form(form)):
                continue
            weights[data["code"]] = data["weight"]
        validate_criteria(weights, allow_empty=True)


class CriterionForm(forms.ModelForm):
    """One criterion edited on its own page: its weight still has to fit the cycle's sum of 100."""

    class Meta:
        model = Criterion
        fields = ["cycle", "code", "name", "weight", "max_score", "rubric", "order"]
        widgets = {"rubric": forms.Textarea(attrs={"rows": 4})}
        field_classes = {"rubric": MultilineTextField}

    def clean(self):
        cleaned = super().clean()
        cycle = cleaned.get("cycle") or (self.instance.cycle if self.instance.cycle_id else None)
        code = cleaned.get("code") or self.instance.code
        weight = cleaned.get("weight", self.instance.weight)
        if cycle is None or not code or weight is None:
            return cleaned
        stored = _stored_cycle(cycle)
        if stored is not None:
            check_criteria_editable(stored)
        siblings = Criterion.objects.filter(cycle=cycle).exclude(code=code)
        if self.instance.pk is not None:
            siblings = siblings.exclude(pk=self.instance.pk)
        weights = dict(siblings.values_list("code", "weight"))
        weights[code] = weight
        try:
            validate_criteria(weights)
        except ValidationError as error:
            self.add_error("weight" if "weight" in self.fields else None, error)
        return cleaned
