"""`manage.py verify_list`: passes on a published list (and on the demo's), fails after a score is changed behind
the services' back, listing the difference, with a non-zero exit status."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests import rounds
from tracks.models import ListStatus, ParkList, Score

pytestmark = pytest.mark.django_db

KEYS = ["440000-03", "320000-01", "110000-01"]


def verify(*args) -> str:
    out = io.StringIO()
    call_command("verify_list", *args, stdout=out)
    return out.getvalue()


def test_verify_list_passes_then_fails_after_a_score_changes_behind_the_services():
    park_list, _actor = rounds.published_list(KEYS)

    output = verify(str(park_list.pk))
    assert "✓ 校验值（SHA-256、SM3）与榜单条目" in output
    assert "✓ 按存储的计算输入重新计算" in output
    assert "✓ 当前评分与计算输入" in output
    assert f"校验通过。SHA-256 {park_list.sha256}" in output

    nomination = park_list.entries.get(rank=2).nomination
    changed = Score.objects.filter(assignment__nomination=nomination, criterion__code="strategic").update(
        value=Decimal("12.50")
    )
    assert changed == 3

    out = io.StringIO()
    with pytest.raises(CommandError, match="1 个榜单未通过校验"):
        call_command("verify_list", str(park_list.pk), stdout=out)
    output = out.getvalue()
    assert "✓ 校验值（SHA-256、SM3）与榜单条目" in output
    assert "✗ 当前评分与计算输入" in output
    assert output.count(f"推荐项目 #{nomination.pk} 专家") == 3
    # The criterion by its label, never its code.
    assert "的战略性评分：榜单输入为 88.50，当前为 12.50。" in output
    assert "strategic" not in output


def test_verify_list_all_and_unknown_ids():
    park_list, _actor = rounds.published_list(KEYS)
    assert f"榜单 #{park_list.pk}" in verify("--all")
    with pytest.raises(CommandError, match="没有编号为 999999 的榜单"):
        verify("999999")
    with pytest.raises(CommandError, match="请给出榜单编号"):
        verify()


def test_verify_list_refuses_a_list_on_notice():
    park_list, _actor = rounds.list_on_notice(KEYS, days_ago=1)
    with pytest.raises(CommandError):
        verify(str(park_list.pk))


def test_seed_demos_published_list_verifies():
    call_command("seed_demo", stdout=io.StringIO())
    published = ParkList.objects.get(status=ListStatus.PUBLISHED)

    output = verify(str(published.pk))

    assert "校验通过" in output
    assert published.track.name == "人形机器人"


def test_a_failure_exits_with_status_1():
    park_list, _actor = rounds.published_list(KEYS)
    Score.objects.filter(assignment__nomination__cycle=park_list.cycle).update(value=Decimal("1"))
    with pytest.raises(CommandError) as error:
        verify(str(park_list.pk))
    # manage.py turns a CommandError into this exit status.
    assert error.value.returncode == 1
