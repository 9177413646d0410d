"""Checking a published version's files against its latest manifest and its hashes (``verify_list``,
``compile_lists --missing``).

Two kinds of finding: a file that is missing, a manifest never written, or files compiled before the list's latest
change are *warnings*: the next reader or ``compile_lists --missing`` compiles them, and nothing wrong is served
meanwhile. A file whose bytes differ from its manifest, or a canonical JSON that is not the stored text or does not
hash to the list's SHA-256 and SM3, is a *problem*: something changed a published file behind the compiler."""

import hashlib
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from tracks.services.hashing import sm3_hex

from . import files, paths
from .compiler import families, first_issuers, issuer_of, latest_manifests, state_digest, version_state


@dataclass
class Check:
    pk: int
    problems: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    stale: bool = False  # compile_lists --missing compiles it again


def check_version(pk: int, family: dict, manifest, issuer: str) -> Check:
    """The files of published version ``pk`` against its latest ``manifest`` and the state it should show."""
    check = Check(pk)
    if manifest is None:
        check.stale = True
        check.warnings.append(_("尚未生成发布文件（下一次访问或 compile_lists --missing 会生成）。"))
        return check
    if state_digest(version_state(pk, family, issuer)) != manifest.state_digest:
        check.stale = True
        check.warnings.append(_("发布文件生成于榜单最近一次变化之前（状态、更正或版本记录），将重新生成。"))
    if {item["path"] for item in manifest.files} != set(paths.version_paths(pk)):
        check.stale = True
        check.warnings.append(_("发布文件清单与应生成的文件不一致，将重新生成。"))
    root = paths.root()
    for item in manifest.files:
        found = files.sha256_of(root / item["path"])
        if found is None:
            check.stale = True
            check.warnings.append(_("缺少文件 %(path)s（将重新生成）。") % {"path": item["path"]})
        elif found != (item["size"], item["sha256"]):
            check.stale = True
            check.problems.append(
                _("文件 %(path)s 与清单记录的大小或 SHA-256 不符（清单 %(expected)s，文件 %(found)s）。")
                % {"path": item["path"], "expected": item["sha256"][:16], "found": found[1][:16]}
            )
    return check


def verify_files(park_list) -> Check:
    """``verify_list``'s check of one published or superseded list's files: the manifest, and the canonical JSON
    file against the stored text and the list's SHA-256 and SM3."""
    found = families([park_list.pk])
    family = next((family for family in found.values() if park_list.pk in family), {})
    if park_list.pk not in family:
        return Check(park_list.pk, problems=[_("榜单不存在。")])
    check = check_version(
        park_list.pk,
        family,
        latest_manifests([park_list.pk]).get(park_list.pk),
        issuer_of(family[park_list.pk], first_issuers([park_list.pk]).get(park_list.pk)),
    )
    canonical = paths.root() / paths.canonical_path(park_list.pk)
    try:
        data = canonical.read_bytes()
    except FileNotFoundError:
        return check
    if data != park_list.canonical_json.encode("utf-8"):
        check.problems.append(_("canonical.json 与数据库中存储的规范化榜单数据不一致。"))
    if hashlib.sha256(data).hexdigest() != park_list.sha256:
        check.problems.append(_("canonical.json 的 SHA-256 与榜单的校验值不符。"))
    if sm3_hex(data.decode("utf-8", errors="replace")) != park_list.sm3:
        check.problems.append(_("canonical.json 的 SM3 与榜单的校验值不符。"))
    return check
