"""What each kind of notice is called in an e-mail's subject, and whether it is essential.

Essential notices (an invitation, a deadline, something the recipient must act on) are always e-mailed; a user may
turn the others off on their profile page (accounts: 个人设置). An event not listed here is a plain, non-essential
notice."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Event:
    subject: str
    essential: bool = False


EVENTS = {
    "notice": Event(_("系统通知")),
    # nominations (tracks.services.nominations)
    "nomination.create": Event(_("推荐草稿待审核推荐")),
    "nomination.submit": Event(_("推荐已提交")),
    "nomination.withdraw": Event(_("推荐已撤回")),
    "nomination.return": Event(_("推荐被退回修改，请在补正期限内重新推荐"), essential=True),
    "nomination.reject": Event(_("推荐不予受理")),
    "nomination.accept": Event(_("推荐已通过形式审查")),
    "nomination.lapse": Event(_("推荐逾期未补正")),
    "nomination.expire_draft": Event(_("推荐草稿未推荐")),
    "nomination.close_under_reviewed": Event(_("推荐评审不足")),
    "nomination.mark_listed": Event(_("推荐已列入发布的榜单")),
    "nomination.mark_not_listed": Event(_("推荐未列入发布的榜单")),
    "nomination.withdraw_duplicate": Event(_("推荐因赛道合并已撤回")),
    "window.extended": Event(_("推荐窗口已延期"), essential=True),
    "window.closing": Event(_("推荐窗口即将截止"), essential=True),
    # tracks
    "track.decided": Event(_("新赛道申请已处理")),
    "track.merged": Event(_("新赛道已合并")),
    # review (tracks.services.review)
    "assignment.invite": Event(_("新的评审任务"), essential=True),
    "assignment.removed": Event(_("评审任务已撤换")),
    "assignment.closed": Event(_("评审任务已关闭")),
    "assignment.conflict": Event(_("评审任务因回避已撤回")),
    "review.shortfall": Event(_("评审专家不足，请人工指派")),
    "review.conflict_warning": Event(_("专家申报回避涉及已提交的评分")),
    "score.reopened": Event(_("评分已重新开放，请修改后再次提交"), essential=True),
    "review.reminder": Event(_("评审任务催办"), essential=True),
    "review.due_soon": Event(_("评审任务即将截止"), essential=True),
    "review.due_today": Event(_("评审任务今日截止"), essential=True),
    "review.overdue": Event(_("评审任务已逾期"), essential=True),
    # lists (tracks.services.lists)
    "list.notice": Event(_("重点新赛道园区榜单进入公示")),
    "list.published": Event(_("重点新赛道园区榜单已发布")),
    "objection.receipt": Event(_("异议回执"), essential=True),
    # staff's own mail
    "adhoc": Event(_("通知"), essential=True),
}


def event_of(code: str) -> Event:
    return EVENTS.get(code) or EVENTS["notice"]
