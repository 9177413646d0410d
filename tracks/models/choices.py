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
    PLANNING = "planning", _("筹备中")
    NOMINATION = "nomination", _("推荐中")
    REVIEW = "review", _("评审中")
    PUBLICATION = "publication", _("公示发布")
    CLOSED = "closed", _("已结束")


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


class LibraryStatus(models.TextChoices):
    CULTIVATING = "cultivating", _("培育中")
    KEY = "key", _("重点")
    WATCH = "watch", _("观察")
    EXITED = "exited", _("出库")


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


class ListScope(models.TextChoices):
    TRACK = "track", _("按赛道")
    FIELD = "field", _("按领域")


class ListStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    NOTICE = "notice", _("公示中")
    PUBLISHED = "published", _("已发布")
    SUPERSEDED = "superseded", _("已更正")


class ObjectionStatus(models.TextChoices):
    PENDING = "pending", _("待处理")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("异议不成立")


class AnnouncementKind(models.TextChoices):
    CALL = "call", _("申报通知")
    NOTICE = "notice", _("公示公告")
    NEWS = "news", _("工作动态")
