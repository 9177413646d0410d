"""The admin home's shortcuts (templates/admin/index.html): what the signed-in role works with first."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import roles

register = template.Library()


@register.simple_tag(takes_context=True)
def admin_shortcuts(context):
    """[(label, url, note)] for the user of this request."""
    user = context["request"].user
    links = []
    if roles.is_programme_staff(user):
        from mail.models import MailBatch

        waiting = MailBatch.objects.filter(status=MailBatch.Status.REVIEW).count()
        links += [
            (
                _("评审工作台"),
                reverse("admin:tracks_review_desk"),
                _("分配、进度、催办、排名、专家评审会材料"),
            ),
            (_("邮件发件箱"), reverse("admin:mail_outboxmessage_changelist"), _("每封通知邮件的发送状态")),
            (
                _("群发审核"),
                reverse("admin:mail_mailbatch_changelist"),
                _("%(n)s 项待审核") % {"n": waiting} if waiting else _("群发邮件：核对后发送"),
            ),
            (
                _("每日提醒规则"),
                reverse("admin:mail_mailrule_changelist"),
                _("窗口截止提醒、评审截止提醒的开关"),
            ),
        ]
    if roles.is_reviewer(user):
        links.append(
            (_("我的评审任务"), reverse("admin:tracks_assignment_changelist"), _("待处理的排在前面"))
        )
    links.append((_("个人设置"), reverse("accounts:profile"), _("邮箱、通知语言、回避申报")))
    return links
