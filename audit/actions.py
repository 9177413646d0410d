"""What each audit action code means, for a person: the one map from codes (``list.publish``) to labels (发布榜单).

The audit log stores codes (stable, searchable, exported as they are); every page that shows an action shows its
label: the audit log's list, filter and detail, and the change history under a record. A code written by an
audited admin page (``zone.update``: ``<model>.<create|update|delete>``) is labelled from its model's name; a code
nobody has labelled yet is shown as it is.
"""

from django.apps import apps
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    # Sign-in, sessions, accounts
    "login": _("登录"),
    "logout": _("退出登录"),
    "login.failed": _("登录失败"),
    "login.locked": _("登录被锁定"),
    "login.unlock": _("解除登录锁定"),
    "session.expired": _("会话结束（超时或账户变更）"),
    "2fa.enrol": _("启用双因素认证"),
    "2fa.verify": _("双因素认证通过"),
    "2fa.failed": _("双因素认证失败"),
    "2fa.reset": _("重置双因素认证设备"),
    "2fa.backup_codes": _("生成双因素认证备用码"),
    "account.create": _("创建账户"),
    "user.password_change": _("修改密码"),
    "user.password_reset_request": _("申请通过邮件找回密码"),
    "user.password_reset": _("通过邮件重置密码"),
    "user.sessions_end": _("结束账户的全部会话"),
    "user.preferences": _("修改个人设置"),
    "apitoken.rotate": _("生成接口令牌"),
    "apitoken.revoke": _("撤销接口令牌"),
    # The audit log itself
    "audit.export": _("导出审计记录"),
    "audit.archive": _("归档审计记录"),
    # Cycles and criteria
    "cycle.create": _("新建年度批次"),
    "cycle.advance": _("推进批次阶段"),
    "cycle.reschedule": _("调整批次时间"),
    "criteria.update": _("修改评价维度"),
    "criteria.freeze": _("冻结评价维度"),
    # Nominations
    "nomination.create": _("新建推荐草稿"),
    "nomination.update": _("修改推荐"),
    "nomination.submit": _("推荐（提交）"),
    "nomination.withdraw": _("撤回推荐"),
    "nomination.accept": _("形式审查：受理"),
    "nomination.return": _("形式审查：退回修改"),
    "nomination.reject": _("形式审查：不予受理"),
    "nomination.start_review": _("进入评审"),
    "nomination.close_review": _("评审完成"),
    "nomination.close_under_reviewed": _("评审结束：评审不足"),
    "nomination.mark_listed": _("入榜"),
    "nomination.mark_not_listed": _("未入榜"),
    "nomination.archive_not_listed": _("归档：未入榜"),
    "nomination.expire_draft": _("推荐截止：草稿未推荐"),
    "nomination.lapse": _("逾期未补正"),
    "nomination.discard": _("删除未提交的草稿"),
    "nomination.withdraw_duplicate": _("赛道合并后撤回重复推荐"),
    "nomination.track_merge": _("赛道合并：改为并入的赛道"),
    "nominationattachment.create": _("上传附件"),
    "nominationattachment.remove": _("移除附件"),
    "attachment.download": _("下载附件"),
    # Catalogue and library
    "track.propose": _("提议新赛道"),
    "track.approve": _("批准新赛道"),
    "track.merge": _("合并赛道"),
    "library.enter": _("入库"),
    "library.reenter": _("重新入库"),
    "library.key": _("设为重点"),
    "library.unkey": _("取消重点"),
    "library.watch": _("转入观察"),
    "library.status": _("变更培育库状态"),
    "libraryentry.merge": _("赛道合并：合并培育库条目"),
    "libraryentry.track_merge": _("赛道合并：改为并入的赛道"),
    "monitoringreport.create": _("填报年度监测"),
    "monitoringreport.update": _("修改年度监测"),
    # Review
    "assignment.create": _("分配评审任务"),
    "assignment.auto": _("自动分配评审任务"),
    "assignment.accept": _("接受评审任务并签署承诺"),
    "assignment.decline": _("谢绝评审任务"),
    "assignment.conflict": _("申报回避"),
    "assignment.remove": _("撤换评审专家"),
    "assignment.close": _("评审结束：任务未完成"),
    "score.draft": _("保存评分草稿"),
    "score.submit": _("提交评分"),
    "score.reopen": _("重新开放评分"),
    "review.remind": _("发送评审提醒"),
    "review.remind_rules": _("按提醒规则发送评审提醒"),
    "conflict.declare": _("专家申报回避"),
    "review.close_scope": _("结束评审（赛道或领域）"),
    "review.reopen_nomination": _("榜单发布后重新评审"),
    "review.reopen_done": _("重新评审完成"),
    "ranking.compute": _("计算排名"),
    # Lists and objections
    "list.build": _("生成榜单草稿"),
    "list.recut": _("调整入榜规则"),
    "list.notice": _("开始公示"),
    "list.notice_change": _("调整公示期"),
    "list.cancel": _("撤销公示"),
    "list.publish": _("发布榜单"),
    "list.correct": _("更正榜单"),
    "list.supersede": _("被更正版本取代"),
    "objection.file": _("提出异议"),
    "objection.resolve": _("处理异议"),
    "objection.evidence_download": _("下载异议证明材料"),
    # Cultivation
    "supportmeasure.create": _("登记培育举措"),
    "supportmeasure.remove": _("移除培育举措"),
    "typicalcase.publish": _("发布典型案例"),
    "typicalcase.unpublish": _("撤回典型案例"),
    # Tools
    "scale.generate": _("生成基准测试数据"),
}

#: the verbs of audited admin pages (audit.admin_mixins.AuditedModelAdmin) and a few services
VERB_LABELS = {
    "create": _("新建"),
    "update": _("修改"),
    "delete": _("删除"),
    "advance": _("推进阶段"),
    "freeze": _("冻结"),
    "password_change": _("修改密码"),
}


def _model_names() -> dict:
    names = {}
    for model in apps.get_models():
        names.setdefault(model._meta.model_name, model._meta.verbose_name)
    return names


def action_label(code: str) -> str:
    """The label of an action code: the map's, else "<model>：<verb>" for an audited admin page's code, else the
    code itself."""
    label = ACTION_LABELS.get(code)
    if label is not None:
        return str(label)
    prefix, _dot, verb = (code or "").rpartition(".")
    if prefix and verb in VERB_LABELS:
        noun = _model_names().get(prefix)
        if noun is not None:
            return gettext("%(object)s：%(verb)s") % {"object": noun, "verb": VERB_LABELS[verb]}
    return code or ""


def action_choices(codes) -> list[tuple[str, str]]:
    """(code, label) for the given codes, sorted by label."""
    return sorted(((code, action_label(code)) for code in codes), key=lambda pair: (pair[1], pair[0]))
