import re
import threading

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from zxcvbn import zxcvbn

CHARACTER_CLASSES = [r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]"]


class CharacterClassValidator:
    """At least N of the four classes: lower case, upper case, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        found = sum(1 for pattern in CHARACTER_CLASSES if re.search(pattern, password))
        if found < self.min_classes:
            raise ValidationError(
                ngettext(
                    "密码须包含小写字母、大写字母、数字、符号中的至少 %(n)d 类。",
                    "密码须包含小写字母、大写字母、数字、符号中的至少 %(n)d 类。",
                    self.min_classes,
                )
                % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self):
        return _("密码须包含小写字母、大写字母、数字、符号中的至少 %(n)d 类。") % {"n": self.min_classes}


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule with a Chinese message (Django's own zh-hans catalogue lacks this one)."""

    def get_error_message(self):
        return ngettext(
            "密码长度太短，至少需要 %(min_length)d 个字符。",
            "密码长度太短，至少需要 %(min_length)d 个字符。",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self):
        return ngettext(
            "密码至少需要 %(min_length)d 个字符。",
            "密码至少需要 %(min_length)d 个字符。",
            self.min_length,
        ) % {"min_length": self.min_length}


class StrengthValidator:
    """Refuses passwords a cracker tries early, whatever classes they mix: common words with letters swapped for
    look-alikes (``P@ssw0rd1234``), keyboard runs, sequences, repeats, dates and the account's own names.

    The estimate is zxcvbn's (Dropbox's estimator; offline, its word lists ship with the package): ``min_score``
    3 of its 0–4 scale means about 10⁸ guesses or more. Only the first 72 characters are estimated (the
    package's own limit; a longer password is judged by them)."""

    MAX_LENGTH = 72
    # zxcvbn keeps the user's words in a module-level dictionary while it estimates: one estimate at a time.
    _lock = threading.Lock()

    def __init__(self, min_score: int = 3):
        self.min_score = min_score

    @staticmethod
    def _user_inputs(user) -> list[str]:
        if user is None:
            return []
        values = [getattr(user, name, "") for name in ("username", "first_name", "last_name", "email")]
        profile = getattr(user, "profile", None) if getattr(user, "pk", None) else None
        if profile is not None:
            values.append(profile.display_name)
        words = []
        for value in values:
            value = str(value or "")
            # the whole value, an address's local part (wenjing.zhao) and each name in it (wenjing, zhao)
            words.extend([value, value.split("@", 1)[0]])
            words.extend(part for part in re.split(r"[\W_]+", value) if len(part) >= 3)
        return list(dict.fromkeys(word for word in words if word))

    def validate(self, password, user=None):
        with self._lock:
            result = zxcvbn(password[: self.MAX_LENGTH], user_inputs=self._user_inputs(user))
        if result["score"] < self.min_score:
            raise ValidationError(
                _(
                    "密码太容易被猜到：常见单词加数字、把字母换成相近的符号（如 P@ssw0rd）、键盘顺序、日期或重复"
                    "字符都在破解字典之内。请换用更长、更无规律的密码，例如几个不相关的词加数字和符号。"
                ),
                code="password_too_guessable",
            )

    def get_help_text(self):
        return _("密码不能容易被猜到，例如常见单词的字母替换（P@ssw0rd）、键盘顺序、日期或重复字符。")
