"""What a printed 推荐表 is worth: the one rule for how the print view presents a nomination.

* **formal** — recommended (已推荐 and every later status that holds a place in the quota): the form as submitted.
* **pending** (待盖章) — a draft, or a nomination returned for revision, whose content is complete: printed to be
  signed and sealed, with a "not yet recommended" footer on every page, so that its stamped scan can be attached
  before the province recommends it in the system.
* **void** — a draft still incomplete, or a nomination that ended without holding a place (已撤回, 不予受理,
  未推荐, 逾期未补正: domain.md's final states that never count against the quota): watermarked with its status and
  "不作为正式推荐材料".
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ..models import NominationStatus
from ..services.nominations import missing_content

FORMAL = "formal"
PENDING = "pending"
VOID = "void"

# Final states that never held (or no longer hold) a place in the quota.
VOID_STATUSES = NominationStatus.FINAL - NominationStatus.QUOTA


@dataclass(frozen=True)
class PrintState:
    kind: str
    mark: str = ""  # the stamp (待盖章) or the watermark's word (草稿, 已撤回 …)
    note: str = ""  # the sentence under the title and on every page's footer


def print_state(nomination) -> PrintState:
    """How the 推荐表 of ``nomination`` prints (see the module's docstring)."""
    status = nomination.status
    if status in NominationStatus.EDITABLE:
        missing = missing_content(nomination)
        if missing:
            return PrintState(
                VOID,
                mark=nomination.get_status_display(),
                note=_("%(status)s，内容尚不完整（缺%(missing)s），不作为正式推荐材料。")
                % {
                    "status": nomination.get_status_display(),
                    "missing": pgettext("list separator", "、").join(missing),
                },
            )
        if status == NominationStatus.RETURNED:
            note = _(
                "本表为退回修改后的版本，尚未重新推荐：签字盖章后扫描上传为附件，再由省级主管部门在系统中重新推荐。"
            )
        else:
            note = _("本表尚未推荐（提交）：签字盖章后扫描上传为附件，再由省级主管部门在系统中推荐。")
        return PrintState(PENDING, mark=_("待盖章"), note=note)
    if status in VOID_STATUSES:
        return PrintState(
            VOID,
            mark=nomination.get_status_display(),
            note=_("%(status)s，不作为正式推荐材料。") % {"status": nomination.get_status_display()},
        )
    return PrintState(FORMAL)
