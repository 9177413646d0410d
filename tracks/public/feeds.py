"""The Atom feed of 通知公告 (announcements), newest first."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks
from django.utils.translation import gettext_lazy as _

from .. import selectors

FEED_SIZE = 30


class AnnouncementFeed(Feed):
    feed_type = Atom1Feed
    title = _("新赛道培育库 · 通知公告")
    subtitle = _("国家高新区新赛道培育行动的申报通知、公示公告和工作动态。")

    def link(self):
        return reverse("public:announcement_list")

    def author_name(self):
        return settings.SITE_SPONSOR

    def items(self):
        return selectors.announcements_public().order_by("-published_at", "-id")[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return linebreaks(item.body, autoescape=True)

    def item_link(self, item):
        return reverse("public:announcement_detail", args=[item.pk])

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.published_at) if item.updated_at else item.published_at

    def item_categories(self, item):
        return [item.get_kind_display()]
