from enum import nonmember

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TrackStatus(models.TextChoices):
    PROPOSED = "proposed", _("待审核")
    ACTIVE = "active", _("已启用")
    MERGED = "merged", _("已合并")


class Origin(models.TextChoices):
    UPGRADE = "upgrade", _("传统产业升级衍生")
    EXTENSION = "extension", _("新兴产业拓展")
    FUTURE = "future", _("未来产业前瞻布局")


class CultivationModel(models.TextChoices):
    SCENARIO = "scenario", _("应用场景牵引")
    SCIENTIST_ENTREPRENEUR = "scientist_entrepreneur", _("科学家与企业家联合创业")
    CORPORATE_VENTURE = "corporate_venture", _("大企业内部创业")
    OTHER = "other", _("其他")


class CycleStatus(models.TextChoices):
    """The phases of a year's round, in the only order they are passed (tracks.workflow.PHASES)."""

    PLANNING = "planning", pgettext_lazy("cycle phase", "筹备")
    NOMINATION = "nomination", pgettext_lazy("cycle phase", "推荐")
    FORMAL_REVIEW = "formal_review", pgettext_lazy("cycle phase", "形式审查")
    REVIEW = "review", pgettext_lazy("cycle phase", "评审")
    REVIEW_CLOSED = "review_closed", pgettext_lazy("cycle phase", "评审结束")
    PUBLICATION = "publication", pgettext_lazy("cycle phase", "发布")
    CLOSED = "closed", pgettext_lazy("cycle phase", "归档")

    #: Phases in which the nomination window is still to come or open: from formal review on it is history.
    WINDOW = nonmember(frozenset({"planning", "nomination"}))
    #: Phases in which formal review (受理 / 退回 / 不予受理) and the 补正 of returned nominations go on.
    FORMAL_REVIEW_PHASES = nonmember(frozenset({"nomination", "formal_review", "review"}))
    #: Phases after the whole cycle's review closed: no score changes but through a post-publication reopening.
    AFTER_REVIEW = nonmember(frozenset({"review_closed", "publication", "closed"}))


class NominationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", pgettext_lazy("nomination status", "已推荐")
    RETURNED = "returned", _("退回修改")
    ACCEPTED = "accepted", _("已受理")
    REJECTED = "rejected", _("不予受理")
    WITHDRAWN = "withdrawn", _("已撤回")
    IN_REVIEW = "in_review", _("评审中")
    SCORED = "scored", _("已评分")
    LISTED = "listed", _("已入榜")
    NOT_LISTED = "not_listed", _("未入榜")
    NOT_NOMINATED = "not_nominated", _("未推荐")
    LAPSED = "lapsed", _("逾期未补正")
    UNDER_REVIEWED = "under_reviewed", _("评审不足")

    #: Count against the province's quota (domain.md: neither draft, withdrawn, rejected, 未推荐 nor 逾期未补正).
    QUOTA = nonmember(
        frozenset(
            {
                "submitted",
                "returned",
                "accepted",
                "in_review",
                "scored",
                "listed",
                "not_listed",
                "under_reviewed",
            }
        )
    )
    #: Where a nomination's life ends: nothing moves it on (a correction may still move listed ⇄ not listed).
    FINAL = nonmember(
        frozenset(
            {"withdrawn", "rejected", "listed", "not_listed", "not_nominated", "lapsed", "under_reviewed"}
        )
    )
    #: Reached review: ranked from the submitted scores (under-reviewed ones are flagged, not ranked).
    REVIEWED = nonmember(
        frozenset({"accepted", "in_review", "scored", "listed", "not_listed", "under_reviewed"})
    )
    #: Still under expert review: what closing review moves on.
    REVIEWING = nonmember(frozenset({"accepted", "in_review"}))
    #: Closed review with a result: what a published list's scope decides on.
    RESULT = nonmember(frozenset({"scored", "listed", "not_listed"}))
    #: Accepted (受理) and on through review to a result; under-reviewed ones are left out.
    ADMITTED = nonmember(frozenset({"accepted", "in_review", "scored", "listed", "not_listed"}))
    #: Still in the province's hands: a draft, or returned for 补正.
    EDITABLE = nonmember(frozenset({"draft", "returned"}))


class LibraryStatus(models.TextChoices):
    CULTIVATING = "cultivating", _("培育中")
    KEY = "key", _("重点")
    WATCH = "watch", _("观察")
    EXITED = "exited", _("出库")

    #: In the library (not exited): what the public sees.
    LIVE = nonmember(frozenset({"cultivating", "key", "watch"}))


class CriterionCode(models.TextChoices):
    STRATEGIC = "strategic", _("战略性")
    LEADING = "leading", _("领先性")
    GROWTH = "growth", _("成长性")
    DRIVING = "driving", _("带动性")


class AssignmentStatus(models.TextChoices):
    INVITED = "invited", _("待接受")
    ACCEPTED = "accepted", _("评审中")
    SUBMITTED = "submitted", _("已提交")
    DECLINED = "declined", _("已谢绝")
    CONFLICT = "conflict", _("已回避")
    REMOVED = "removed", _("已撤换")
    INCOMPLETE = "incomplete", _("未完成")

    #: Count towards a nomination's K reviewers.
    ACTIVE = nonmember(frozenset({"invited", "accepted", "submitted"}))
    #: Waiting for the reviewer (an answer or a submission): these can be overdue, and close as 未完成.
    PENDING = nonmember(frozenset({"invited", "accepted"}))
    #: Took the reviewer off the nomination for good.
    WITHDRAWN = nonmember(frozenset({"declined", "conflict", "removed"}))


class ListScope(models.TextChoices):
    TRACK = "track", _("按赛道")
    FIELD = "field", _("按领域")


class ListStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    NOTICE = "notice", _("公示中")
    PUBLISHED = "published", _("已发布")
    SUPERSEDED = "superseded", _("已更正")
    CANCELLED = "cancelled", _("已撤销")

    #: Published once and never changed again.
    FROZEN = nonmember(frozenset({"published", "superseded"}))
    #: Seen by the public (公示 is public by definition).
    PUBLIC = nonmember(frozenset({"notice", "published", "superseded"}))
    #: The current public version: on notice or published (a superseded one is history).
    CURRENT = nonmember(frozenset({"notice", "published"}))


class ObjectionStatus(models.TextChoices):
    PENDING = "pending", _("待处理")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("异议不成立")


class AnnouncementKind(models.TextChoices):
    CALL = "call", _("申报通知")
    NOTICE = "notice", _("公示公告")
    NEWS = "news", _("工作动态")
