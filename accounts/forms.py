from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    """A six-digit code from the authenticator app, or (on the verification page) one backup code."""

    token = forms.CharField(
        label=_("验证码"),
        max_length=16,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, allow_backup=False, **kwargs):
        super().__init__(*args, **kwargs)
        if allow_backup:
            self.fields["token"].help_text = _(
                "输入验证器应用显示的6位数字；手机不在身边时，可输入一个备用码。"
            )
        else:
            self.fields["token"].help_text = _("输入验证器应用当前显示的6位数字。")
            self.fields["token"].widget.attrs["inputmode"] = "numeric"

    def clean_token(self):
        return self.cleaned_data["token"].replace(" ", "").replace("-", "").lower()
