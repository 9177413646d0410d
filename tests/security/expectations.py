"""What each role may do at each endpoint: the expectation table of tests/security/test_access_matrix.py.

One row per case and method; the columns are the roles, in this order:

    anon   anonymous                               rev    reviewer (an accepted assignment on 中山's nomination)
    prep   zone preparer of 中山 (广东 440000-03)     revC   reviewer with a declared conflict (中山), withdrawn
    offA   official of province A (广东 440000)     staff  programme staff (业务管理员)
    offB   official of province B (江苏 320000)     sys / sec / aud   system / security / audit administrator

A case is a URL pattern (its namespaced name, ``+format`` for a router's format-suffix twin, or its route when it
has none), with ``[variant]`` when its parameter picks objects of different scope: ``[zs]`` 中山 (广东, the
preparer's zone), ``[sz]`` 深圳 (广东, another zone), ``[js]`` 南京 (江苏); ``[rev]``/``[conf]`` the reviewer's and
the conflicted reviewer's assignment; ``[published]``/``[notice]``/``[draft]`` lists (tests/security/endpoints.py).

Codes (test_access_matrix.py): ``A`` allowed (2xx, or 400/409 for the empty body, or a redirect to a page that is
not a login page); ``R`` answered but nothing written (POSTs with a body only); ``L`` redirect to a login page;
``IX`` redirect to the admin index (the admin's answer for an object outside the user's queryset); ``401``,
``403``, ``404`` (outside the user's scope: the same answer as a missing id), ``405``, ``410``.

The rules the rows follow (../shared/design/domain.md, Roles and What is public):

* the public site, the open API and published typical cases: everyone, GET only; drafts (lists, announcements,
  cases, proposed tracks) are 404 for everyone; an objection is filed only while a list is on notice (410 after);
  its captcha's picture and reading answer only the session just shown the form, for the challenge it showed
  (404 for any other, so for every role here);
* the portal and the token API: officials and zone preparers only (anonymous → login, 401 in the API; everyone
  else 403); an
  object of another province, or of another zone for a preparer, is 404; a preparer prepares drafts but never
  submits or withdraws (403) and has no recommendation letter;
* 精准性培育 measures: programme staff, officials and preparers, scoped like the portal; the yearly report is staff's;
* the admin: non-staff accounts are sent to the admin login; reviewers see only their own assignments and scores
  (another's is IX, its files 404) and staff may not write into a reviewer's score form; programme staff run the
  programme but touch no account, lockout, device or audit row; 三员分立: the system administrator manages
  accounts (never an administrator's: read-only, no password), the security administrator lockouts and devices,
  the audit administrator reads and exports the audit log, nothing else; nobody deletes in the admin except the
  security administrator lifting a lockout or resetting a device.

Self-service password reset is off without e-mail settings (404 for everyone here). A few GET pages also answer
POST with the page (the announcement feed, the admin's history pages); none of them writes anything.

KNOWN_BUGS lists single cells where the code is wrong today: the row keeps the right expectation, the matrix skips
that cell, and test_known_access_bug runs it as a strict xfail (it fails the day the bug is fixed, so the entry is
then removed).
"""

ROLES = (
    "anon",
    "preparer",
    "official_a",
    "official_b",
    "reviewer",
    "reviewer_conflict",
    "staff",
    "sysadmin",
    "secadmin",
    "auditadmin",
)
CODES = {"A", "R", "L", "IX", "401", "403", "404", "405", "410"}


def _table(text: str) -> dict[tuple[str, str], str]:
    rows = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        case, method, *codes = line.split()
        assert len(codes) == len(ROLES), f"row {number} ({case} {method}) has {len(codes)} codes"
        assert set(codes) <= CODES, f"row {number} ({case} {method}): unknown code in {codes}"
        assert (case, method) not in rows, f"row {number}: {case} {method} twice"
        rows[(case, method)] = " ".join(codes)
    return rows


# fmt: off
EXPECTATIONS = _table("""
# case                                           method anon prep offA offB rev  revC staff sys  sec  aud

# --- site
healthz                                          GET    A    A    A    A    A    A    A    A    A    A
healthz                                          POST   405  405  405  405  405  405  405  405  405  405
home                                             GET    A    A    A    A    A    A    A    A    A    A
home                                             POST   405  405  405  405  405  405  405  405  405  405
readyz                                           GET    A    A    A    A    A    A    A    A    A    A
readyz                                           POST   405  405  405  405  405  405  405  405  405  405
set_language                                     GET    A    A    A    A    A    A    A    A    A    A
set_language                                     POST   A    A    A    A    A    A    A    A    A    A

# --- accounts:
accounts:login                                   GET    A    A    A    A    A    A    A    A    A    A
accounts:login                                   POST   A    A    A    A    A    A    A    A    A    A
accounts:logout                                  GET    405  405  405  405  405  405  405  405  405  405
accounts:logout                                  POST   A    A    A    A    A    A    A    A    A    A
accounts:password_change                         GET    L    A    A    A    A    A    A    A    A    A
accounts:password_change                         POST   L    A    A    A    A    A    A    A    A    A
accounts:password_change_done                    GET    L    A    A    A    A    A    A    A    A    A
accounts:password_change_done                    POST   L    405  405  405  405  405  405  405  405  405
accounts:password_reset                          GET    404  404  404  404  404  404  404  404  404  404
accounts:password_reset                          POST   404  404  404  404  404  404  404  404  404  404
accounts:password_reset_complete                 GET    404  404  404  404  404  404  404  404  404  404
accounts:password_reset_complete                 POST   404  404  404  404  404  404  404  404  404  404
accounts:password_reset_confirm                  GET    404  404  404  404  404  404  404  404  404  404
accounts:password_reset_confirm                  POST   404  404  404  404  404  404  404  404  404  404
accounts:password_reset_done                     GET    404  404  404  404  404  404  404  404  404  404
accounts:password_reset_done                     POST   404  404  404  404  404  404  404  404  404  404
accounts:two_factor_backup_codes                 GET    L    A    A    A    A    A    A    A    A    A
accounts:two_factor_backup_codes                 POST   L    A    A    A    A    A    A    A    A    A
accounts:two_factor_setup                        GET    L    A    A    A    A    A    A    A    A    A
accounts:two_factor_setup                        POST   L    A    A    A    A    A    A    A    A    A
accounts:two_factor_verify                       GET    L    A    A    A    A    A    A    A    A    A
accounts:two_factor_verify                       POST   L    A    A    A    A    A    A    A    A    A

# --- portal:
portal:attachment_download[js]                   GET    L    404  404  A    403  403  403  403  403  403
portal:attachment_download[js]                   POST   L    405  405  405  403  403  403  403  403  403
portal:attachment_download[sz]                   GET    L    404  A    404  403  403  403  403  403  403
portal:attachment_download[sz]                   POST   L    405  405  405  403  403  403  403  403  403
portal:attachment_download[zs]                   GET    L    A    A    404  403  403  403  403  403  403
portal:attachment_download[zs]                   POST   L    405  405  405  403  403  403  403  403  403
portal:attachment_remove[js]                     GET    L    405  405  405  403  403  403  403  403  403
portal:attachment_remove[js]                     POST   L    404  404  A    403  403  403  403  403  403
portal:attachment_remove[sz]                     GET    L    405  405  405  403  403  403  403  403  403
portal:attachment_remove[sz]                     POST   L    404  A    404  403  403  403  403  403  403
portal:attachment_remove[zs]                     GET    L    405  405  405  403  403  403  403  403  403
portal:attachment_remove[zs]                     POST   L    A    A    404  403  403  403  403  403  403
portal:attachment_upload[js]                     GET    L    405  405  405  403  403  403  403  403  403
portal:attachment_upload[js]                     POST   L    404  404  A    403  403  403  403  403  403
portal:attachment_upload[sz]                     GET    L    405  405  405  403  403  403  403  403  403
portal:attachment_upload[sz]                     POST   L    404  A    404  403  403  403  403  403  403
portal:attachment_upload[zs]                     GET    L    405  405  405  403  403  403  403  403  403
portal:attachment_upload[zs]                     POST   L    A    A    404  403  403  403  403  403  403
portal:dashboard                                 GET    L    A    A    A    403  403  403  403  403  403
portal:dashboard                                 POST   L    405  405  405  403  403  403  403  403  403
portal:excel_import                              GET    L    A    A    A    403  403  403  403  403  403
portal:excel_import                              POST   L    A    A    A    403  403  403  403  403  403
portal:excel_template                            GET    L    A    A    A    403  403  403  403  403  403
portal:excel_template                            POST   L    405  405  405  403  403  403  403  403  403
portal:letter                                    GET    L    403  A    A    403  403  403  403  403  403
portal:letter                                    POST   L    405  405  405  403  403  403  403  403  403
portal:library_detail[js]                        GET    L    404  404  A    403  403  403  403  403  403
portal:library_detail[js]                        POST   L    405  405  405  403  403  403  403  403  403
portal:library_detail[sz]                        GET    L    404  A    404  403  403  403  403  403  403
portal:library_detail[sz]                        POST   L    405  405  405  403  403  403  403  403  403
portal:library_detail[zs]                        GET    L    A    A    404  403  403  403  403  403  403
portal:library_detail[zs]                        POST   L    405  405  405  403  403  403  403  403  403
portal:library_list                              GET    L    A    A    A    403  403  403  403  403  403
portal:library_list                              POST   L    405  405  405  403  403  403  403  403  403
portal:monitoring_edit[js]                       GET    L    404  404  A    403  403  403  403  403  403
portal:monitoring_edit[js]                       POST   L    404  404  A    403  403  403  403  403  403
portal:monitoring_edit[sz]                       GET    L    404  A    404  403  403  403  403  403  403
portal:monitoring_edit[sz]                       POST   L    404  A    404  403  403  403  403  403  403
portal:monitoring_edit[zs]                       GET    L    A    A    404  403  403  403  403  403  403
portal:monitoring_edit[zs]                       POST   L    A    A    404  403  403  403  403  403  403
portal:nomination_action[js-submit]              GET    L    404  404  A    403  403  403  403  403  403
portal:nomination_action[js-submit]              POST   L    404  404  A    403  403  403  403  403  403
portal:nomination_action[zs-accept]              GET    L    404  404  404  403  403  403  403  403  403
portal:nomination_action[zs-accept]              POST   L    404  404  404  403  403  403  403  403  403
portal:nomination_action[zs-submit]              GET    L    403  A    404  403  403  403  403  403  403
portal:nomination_action[zs-submit]              POST   L    403  A    404  403  403  403  403  403  403
portal:nomination_action[zs-withdraw]            GET    L    403  A    404  403  403  403  403  403  403
portal:nomination_action[zs-withdraw]            POST   L    403  A    404  403  403  403  403  403  403
portal:nomination_create                         GET    L    A    A    A    403  403  403  403  403  403
portal:nomination_create                         POST   L    A    A    A    403  403  403  403  403  403
portal:nomination_detail[js]                     GET    L    404  404  A    403  403  403  403  403  403
portal:nomination_detail[js]                     POST   L    405  405  405  403  403  403  403  403  403
portal:nomination_detail[sz]                     GET    L    404  A    404  403  403  403  403  403  403
portal:nomination_detail[sz]                     POST   L    405  405  405  403  403  403  403  403  403
portal:nomination_detail[zs]                     GET    L    A    A    404  403  403  403  403  403  403
portal:nomination_detail[zs]                     POST   L    405  405  405  403  403  403  403  403  403
portal:nomination_edit[js]                       GET    L    404  404  A    403  403  403  403  403  403
portal:nomination_edit[js]                       POST   L    404  404  A    403  403  403  403  403  403
portal:nomination_edit[sz]                       GET    L    404  A    404  403  403  403  403  403  403
portal:nomination_edit[sz]                       POST   L    404  A    404  403  403  403  403  403  403
portal:nomination_edit[zs]                       GET    L    A    A    404  403  403  403  403  403  403
portal:nomination_edit[zs]                       POST   L    A    A    404  403  403  403  403  403  403
portal:nomination_list                           GET    L    A    A    A    403  403  403  403  403  403
portal:nomination_list                           POST   L    405  405  405  403  403  403  403  403  403
portal:nomination_print[js]                      GET    L    404  404  A    403  403  403  403  403  403
portal:nomination_print[js]                      POST   L    405  405  405  403  403  403  403  403  403
portal:nomination_print[sz]                      GET    L    404  A    404  403  403  403  403  403  403
portal:nomination_print[sz]                      POST   L    405  405  405  403  403  403  403  403  403
portal:nomination_print[zs]                      GET    L    A    A    404  403  403  403  403  403  403
portal:nomination_print[zs]                      POST   L    405  405  405  403  403  403  403  403  403
portal:nominations_export                        GET    L    A    A    A    403  403  403  403  403  403
portal:nominations_export                        POST   L    405  405  405  403  403  403  403  403  403
portal:notification_open[official_a]             GET    L    404  A    404  403  403  403  403  403  403
portal:notification_open[official_a]             POST   L    405  405  405  403  403  403  403  403  403
portal:notification_open[preparer]               GET    L    A    404  404  403  403  403  403  403  403
portal:notification_open[preparer]               POST   L    405  405  405  403  403  403  403  403  403
portal:notifications                             GET    L    A    A    A    403  403  403  403  403  403
portal:notifications                             POST   L    405  405  405  403  403  403  403  403  403
portal:notifications_read                        GET    L    405  405  405  403  403  403  403  403  403
portal:notifications_read                        POST   L    A    A    A    403  403  403  403  403  403
portal:profile                                   GET    L    A    A    A    403  403  403  403  403  403
portal:profile                                   POST   L    A    A    A    403  403  403  403  403  403
portal:track_search                              GET    L    A    A    A    403  403  403  403  403  403
portal:track_search                              POST   L    405  405  405  403  403  403  403  403  403

# --- cultivation:
cultivation:case_detail[draft]                   GET    404  404  404  404  404  404  404  404  404  404
cultivation:case_detail[draft]                   POST   405  405  405  405  405  405  405  405  405  405
cultivation:case_detail[published]               GET    A    A    A    A    A    A    A    A    A    A
cultivation:case_detail[published]               POST   405  405  405  405  405  405  405  405  405  405
cultivation:case_list                            GET    A    A    A    A    A    A    A    A    A    A
cultivation:case_list                            POST   405  405  405  405  405  405  405  405  405  405
cultivation:entry_detail[js]                     GET    L    404  404  A    404  404  A    404  404  404
cultivation:entry_detail[js]                     POST   L    405  405  405  405  405  405  405  405  405
cultivation:entry_detail[sz]                     GET    L    404  A    404  404  404  A    404  404  404
cultivation:entry_detail[sz]                     POST   L    405  405  405  405  405  405  405  405  405
cultivation:entry_detail[zs]                     GET    L    A    A    404  404  404  A    404  404  404
cultivation:entry_detail[zs]                     POST   L    405  405  405  405  405  405  405  405  405
cultivation:entry_list                           GET    L    A    A    A    403  403  A    403  403  403
cultivation:entry_list                           POST   L    405  405  405  405  405  405  405  405  405
cultivation:measure_attachment[js]               GET    L    404  404  A    404  404  A    404  404  404
cultivation:measure_attachment[js]               POST   L    405  405  405  405  405  405  405  405  405
cultivation:measure_attachment[sz]               GET    L    404  A    404  404  404  A    404  404  404
cultivation:measure_attachment[sz]               POST   L    405  405  405  405  405  405  405  405  405
cultivation:measure_attachment[zs]               GET    L    A    A    404  404  404  A    404  404  404
cultivation:measure_attachment[zs]               POST   L    405  405  405  405  405  405  405  405  405
cultivation:measure_create[js]                   GET    L    404  404  A    404  404  A    404  404  404
cultivation:measure_create[js]                   POST   L    404  404  A    404  404  A    404  404  404
cultivation:measure_create[sz]                   GET    L    404  A    404  404  404  A    404  404  404
cultivation:measure_create[sz]                   POST   L    404  A    404  404  404  A    404  404  404
cultivation:measure_create[zs]                   GET    L    A    A    404  404  404  A    404  404  404
cultivation:measure_create[zs]                   POST   L    A    A    404  404  404  A    404  404  404
cultivation:measure_remove[js]                   GET    L    404  404  A    404  404  A    404  404  404
cultivation:measure_remove[js]                   POST   L    404  404  A    404  404  A    404  404  404
cultivation:measure_remove[sz]                   GET    L    404  A    404  404  404  A    404  404  404
cultivation:measure_remove[sz]                   POST   L    404  A    404  404  404  A    404  404  404
cultivation:measure_remove[zs]                   GET    L    A    A    404  404  404  A    404  404  404
cultivation:measure_remove[zs]                   POST   L    A    A    404  404  404  A    404  404  404
cultivation:report                               GET    L    403  403  403  403  403  A    403  403  403
cultivation:report                               POST   L    403  403  403  403  403  405  403  403  403
cultivation:report_index                         GET    L    403  403  403  403  403  A    403  403  403
cultivation:report_index                         POST   L    403  403  403  403  403  405  403  403  403
cultivation:report_xlsx                          GET    L    403  403  403  403  403  A    403  403  403
cultivation:report_xlsx                          POST   L    403  403  403  403  403  405  403  403  403

# --- public:
public:announcement_detail[draft]                GET    404  404  404  404  404  404  404  404  404  404
public:announcement_detail[draft]                POST   405  405  405  405  405  405  405  405  405  405
public:announcement_detail[published]            GET    A    A    A    A    A    A    A    A    A    A
public:announcement_detail[published]            POST   405  405  405  405  405  405  405  405  405  405
public:announcement_feed                         GET    A    A    A    A    A    A    A    A    A    A
public:announcement_feed                         POST   A    A    A    A    A    A    A    A    A    A
public:announcement_list                         GET    A    A    A    A    A    A    A    A    A    A
public:announcement_list                         POST   405  405  405  405  405  405  405  405  405  405
public:library                                   GET    A    A    A    A    A    A    A    A    A    A
public:library                                   POST   405  405  405  405  405  405  405  405  405  405
public:list_detail[draft]                        GET    404  404  404  404  404  404  404  404  404  404
public:list_detail[draft]                        POST   405  405  405  405  405  405  405  405  405  405
public:list_detail[notice]                       GET    A    A    A    A    A    A    A    A    A    A
public:list_detail[notice]                       POST   405  405  405  405  405  405  405  405  405  405
public:list_detail[published]                    GET    A    A    A    A    A    A    A    A    A    A
public:list_detail[published]                    POST   405  405  405  405  405  405  405  405  405  405
public:list_download[draft-csv]                  GET    404  404  404  404  404  404  404  404  404  404
public:list_download[draft-csv]                  POST   405  405  405  405  405  405  405  405  405  405
public:list_download[published-csv]              GET    A    A    A    A    A    A    A    A    A    A
public:list_download[published-csv]              POST   405  405  405  405  405  405  405  405  405  405
public:list_download[published-json]             GET    A    A    A    A    A    A    A    A    A    A
public:list_download[published-json]             POST   405  405  405  405  405  405  405  405  405  405
public:list_download[published-xlsx]             GET    A    A    A    A    A    A    A    A    A    A
public:list_download[published-xlsx]             POST   405  405  405  405  405  405  405  405  405  405
public:list_index                                GET    A    A    A    A    A    A    A    A    A    A
public:list_index                                POST   405  405  405  405  405  405  405  405  405  405
public:my_results                                GET    L    403  A    A    403  403  403  403  403  403
public:my_results                                POST   L    405  405  405  405  405  405  405  405  405
public:objection_captcha[draft-png]              GET    404  404  404  404  404  404  404  404  404  404
public:objection_captcha[draft-png]              POST   405  405  405  405  405  405  405  405  405  405
public:objection_captcha[notice-png]             GET    404  404  404  404  404  404  404  404  404  404
public:objection_captcha[notice-png]             POST   405  405  405  405  405  405  405  405  405  405
public:objection_captcha[notice-wav]             GET    404  404  404  404  404  404  404  404  404  404
public:objection_captcha[notice-wav]             POST   405  405  405  405  405  405  405  405  405  405
public:objection_captcha[published-png]          GET    410  410  410  410  410  410  410  410  410  410
public:objection_captcha[published-png]          POST   405  405  405  405  405  405  405  405  405  405
public:objection_form[draft]                     GET    404  404  404  404  404  404  404  404  404  404
public:objection_form[draft]                     POST   404  404  404  404  404  404  404  404  404  404
public:objection_form[notice]                    GET    A    A    A    A    A    A    A    A    A    A
public:objection_form[notice]                    POST   A    A    A    A    A    A    A    A    A    A
public:objection_form[published]                 GET    410  410  410  410  410  410  410  410  410  410
public:objection_form[published]                 POST   410  410  410  410  410  410  410  410  410  410
public:objection_receipt[draft]                  GET    404  404  404  404  404  404  404  404  404  404
public:objection_receipt[draft]                  POST   405  405  405  405  405  405  405  405  405  405
public:objection_receipt[notice]                 GET    A    A    A    A    A    A    A    A    A    A
public:objection_receipt[notice]                 POST   405  405  405  405  405  405  405  405  405  405
public:objection_receipt[published]              GET    A    A    A    A    A    A    A    A    A    A
public:objection_receipt[published]              POST   405  405  405  405  405  405  405  405  405  405
public:privacy                                   GET    A    A    A    A    A    A    A    A    A    A
public:privacy                                   POST   405  405  405  405  405  405  405  405  405  405
public:province_detail                           GET    A    A    A    A    A    A    A    A    A    A
public:province_detail                           POST   405  405  405  405  405  405  405  405  405  405
public:province_index                            GET    A    A    A    A    A    A    A    A    A    A
public:province_index                            POST   405  405  405  405  405  405  405  405  405  405
public:search                                    GET    A    A    A    A    A    A    A    A    A    A
public:search                                    POST   405  405  405  405  405  405  405  405  405  405
public:track_detail[active]                      GET    A    A    A    A    A    A    A    A    A    A
public:track_detail[active]                      POST   405  405  405  405  405  405  405  405  405  405
public:track_detail[proposed]                    GET    404  404  404  404  404  404  404  404  404  404
public:track_detail[proposed]                    POST   405  405  405  405  405  405  405  405  405  405
public:track_index                               GET    A    A    A    A    A    A    A    A    A    A
public:track_index                               POST   405  405  405  405  405  405  405  405  405  405
public:zone_detail                               GET    A    A    A    A    A    A    A    A    A    A
public:zone_detail                               POST   405  405  405  405  405  405  405  405  405  405

# --- en
en:admin:index                                   GET    L    L    L    L    A    A    A    A    A    A
en:admin:index                                   POST   L    L    L    L    A    A    A    A    A    A
en:home                                          GET    A    A    A    A    A    A    A    A    A    A
en:home                                          POST   405  405  405  405  405  405  405  405  405  405
en:portal:nomination_detail[js]                  GET    L    404  404  A    403  403  403  403  403  403
en:portal:nomination_detail[js]                  POST   L    405  405  405  403  403  403  403  403  403
en:public:list_detail[published]                 GET    A    A    A    A    A    A    A    A    A    A
en:public:list_detail[published]                 POST   405  405  405  405  405  405  405  405  405  405

# --- api-nomination
api-nomination-detail[js]                        GET    401  404  404  A    403  403  403  403  403  403
api-nomination-detail[js]                        POST   401  405  405  405  403  403  403  403  403  403
api-nomination-detail[js]                        PATCH  401  404  404  A    403  403  403  403  403  403
api-nomination-detail[js]                        DELETE 401  405  405  405  403  403  403  403  403  403
api-nomination-detail[sz]                        GET    401  404  A    404  403  403  403  403  403  403
api-nomination-detail[sz]                        POST   401  405  405  405  403  403  403  403  403  403
api-nomination-detail[sz]                        PATCH  401  404  A    404  403  403  403  403  403  403
api-nomination-detail[sz]                        DELETE 401  405  405  405  403  403  403  403  403  403
api-nomination-detail[zs]                        GET    401  A    A    404  403  403  403  403  403  403
api-nomination-detail[zs]                        POST   401  405  405  405  403  403  403  403  403  403
api-nomination-detail[zs]                        PATCH  401  A    A    404  403  403  403  403  403  403
api-nomination-detail[zs]                        DELETE 401  405  405  405  403  403  403  403  403  403
api-nomination-list                              GET    401  A    A    A    403  403  403  403  403  403
api-nomination-list                              POST   401  A    A    A    403  403  403  403  403  403
api-nomination-submit[js]                        GET    401  405  405  405  403  403  403  403  403  403
api-nomination-submit[js]                        POST   401  404  404  A    403  403  403  403  403  403
api-nomination-submit[js]                        PATCH  401  405  405  405  403  403  403  403  403  403
api-nomination-submit[js]                        DELETE 401  405  405  405  403  403  403  403  403  403
api-nomination-submit[sz]                        GET    401  405  405  405  403  403  403  403  403  403
api-nomination-submit[sz]                        POST   401  404  A    404  403  403  403  403  403  403
api-nomination-submit[sz]                        PATCH  401  405  405  405  403  403  403  403  403  403
api-nomination-submit[sz]                        DELETE 401  405  405  405  403  403  403  403  403  403
api-nomination-submit[zs]                        GET    401  405  405  405  403  403  403  403  403  403
api-nomination-submit[zs]                        POST   401  403  A    404  403  403  403  403  403  403
api-nomination-submit[zs]                        PATCH  401  405  405  405  403  403  403  403  403  403
api-nomination-submit[zs]                        DELETE 401  405  405  405  403  403  403  403  403  403
api-nomination-withdraw[js]                      GET    401  405  405  405  403  403  403  403  403  403
api-nomination-withdraw[js]                      POST   401  404  404  A    403  403  403  403  403  403
api-nomination-withdraw[js]                      PATCH  401  405  405  405  403  403  403  403  403  403
api-nomination-withdraw[js]                      DELETE 401  405  405  405  403  403  403  403  403  403
api-nomination-withdraw[sz]                      GET    401  405  405  405  403  403  403  403  403  403
api-nomination-withdraw[sz]                      POST   401  404  A    404  403  403  403  403  403  403
api-nomination-withdraw[sz]                      PATCH  401  405  405  405  403  403  403  403  403  403
api-nomination-withdraw[sz]                      DELETE 401  405  405  405  403  403  403  403  403  403
api-nomination-withdraw[zs]                      GET    401  405  405  405  403  403  403  403  403  403
api-nomination-withdraw[zs]                      POST   401  403  A    404  403  403  403  403  403  403
api-nomination-withdraw[zs]                      PATCH  401  405  405  405  403  403  403  403  403  403
api-nomination-withdraw[zs]                      DELETE 401  405  405  405  403  403  403  403  403  403

# --- api-
api-docs                                         GET    A    A    A    A    A    A    A    A    A    A
api-docs                                         POST   405  405  405  405  405  405  405  405  405  405
api-public:api-root                              GET    A    A    A    A    A    A    A    A    A    A
api-public:api-root                              POST   403  405  405  405  405  405  405  405  405  405
api-public:api-root+format                       GET    A    A    A    A    A    A    A    A    A    A
api-public:api-root+format                       POST   403  405  405  405  405  405  405  405  405  405
api-public:field-detail                          GET    A    A    A    A    A    A    A    A    A    A
api-public:field-detail                          POST   405  405  405  405  405  405  405  405  405  405
api-public:field-detail                          PATCH  405  405  405  405  405  405  405  405  405  405
api-public:field-detail                          DELETE 405  405  405  405  405  405  405  405  405  405
api-public:field-detail+format                   GET    A    A    A    A    A    A    A    A    A    A
api-public:field-detail+format                   POST   405  405  405  405  405  405  405  405  405  405
api-public:field-detail+format                   PATCH  405  405  405  405  405  405  405  405  405  405
api-public:field-detail+format                   DELETE 405  405  405  405  405  405  405  405  405  405
api-public:field-list                            GET    A    A    A    A    A    A    A    A    A    A
api-public:field-list                            POST   405  405  405  405  405  405  405  405  405  405
api-public:field-list+format                     GET    A    A    A    A    A    A    A    A    A    A
api-public:field-list+format                     POST   405  405  405  405  405  405  405  405  405  405
api-public:library-detail                        GET    A    A    A    A    A    A    A    A    A    A
api-public:library-detail                        POST   405  405  405  405  405  405  405  405  405  405
api-public:library-detail                        PATCH  405  405  405  405  405  405  405  405  405  405
api-public:library-detail                        DELETE 405  405  405  405  405  405  405  405  405  405
api-public:library-detail+format                 GET    A    A    A    A    A    A    A    A    A    A
api-public:library-detail+format                 POST   405  405  405  405  405  405  405  405  405  405
api-public:library-detail+format                 PATCH  405  405  405  405  405  405  405  405  405  405
api-public:library-detail+format                 DELETE 405  405  405  405  405  405  405  405  405  405
api-public:library-list                          GET    A    A    A    A    A    A    A    A    A    A
api-public:library-list                          POST   405  405  405  405  405  405  405  405  405  405
api-public:library-list+format                   GET    A    A    A    A    A    A    A    A    A    A
api-public:library-list+format                   POST   405  405  405  405  405  405  405  405  405  405
api-public:list-detail+format[draft]             GET    404  404  404  404  404  404  404  404  404  404
api-public:list-detail+format[draft]             POST   405  405  405  405  405  405  405  405  405  405
api-public:list-detail+format[draft]             PATCH  405  405  405  405  405  405  405  405  405  405
api-public:list-detail+format[draft]             DELETE 405  405  405  405  405  405  405  405  405  405
api-public:list-detail+format[notice]            GET    A    A    A    A    A    A    A    A    A    A
api-public:list-detail+format[notice]            POST   405  405  405  405  405  405  405  405  405  405
api-public:list-detail+format[notice]            PATCH  405  405  405  405  405  405  405  405  405  405
api-public:list-detail+format[notice]            DELETE 405  405  405  405  405  405  405  405  405  405
api-public:list-detail+format[published]         GET    A    A    A    A    A    A    A    A    A    A
api-public:list-detail+format[published]         POST   405  405  405  405  405  405  405  405  405  405
api-public:list-detail+format[published]         PATCH  405  405  405  405  405  405  405  405  405  405
api-public:list-detail+format[published]         DELETE 405  405  405  405  405  405  405  405  405  405
api-public:list-detail[draft]                    GET    404  404  404  404  404  404  404  404  404  404
api-public:list-detail[draft]                    POST   405  405  405  405  405  405  405  405  405  405
api-public:list-detail[draft]                    PATCH  405  405  405  405  405  405  405  405  405  405
api-public:list-detail[draft]                    DELETE 405  405  405  405  405  405  405  405  405  405
api-public:list-detail[notice]                   GET    A    A    A    A    A    A    A    A    A    A
api-public:list-detail[notice]                   POST   405  405  405  405  405  405  405  405  405  405
api-public:list-detail[notice]                   PATCH  405  405  405  405  405  405  405  405  405  405
api-public:list-detail[notice]                   DELETE 405  405  405  405  405  405  405  405  405  405
api-public:list-detail[published]                GET    A    A    A    A    A    A    A    A    A    A
api-public:list-detail[published]                POST   405  405  405  405  405  405  405  405  405  405
api-public:list-detail[published]                PATCH  405  405  405  405  405  405  405  405  405  405
api-public:list-detail[published]                DELETE 405  405  405  405  405  405  405  405  405  405
api-public:list-list                             GET    A    A    A    A    A    A    A    A    A    A
api-public:list-list                             POST   405  405  405  405  405  405  405  405  405  405
api-public:list-list+format                      GET    A    A    A    A    A    A    A    A    A    A
api-public:list-list+format                      POST   405  405  405  405  405  405  405  405  405  405
api-public:province-detail                       GET    A    A    A    A    A    A    A    A    A    A
api-public:province-detail                       POST   405  405  405  405  405  405  405  405  405  405
api-public:province-detail                       PATCH  405  405  405  405  405  405  405  405  405  405
api-public:province-detail                       DELETE 405  405  405  405  405  405  405  405  405  405
api-public:province-detail+format                GET    A    A    A    A    A    A    A    A    A    A
api-public:province-detail+format                POST   405  405  405  405  405  405  405  405  405  405
api-public:province-detail+format                PATCH  405  405  405  405  405  405  405  405  405  405
api-public:province-detail+format                DELETE 405  405  405  405  405  405  405  405  405  405
api-public:province-list                         GET    A    A    A    A    A    A    A    A    A    A
api-public:province-list                         POST   405  405  405  405  405  405  405  405  405  405
api-public:province-list+format                  GET    A    A    A    A    A    A    A    A    A    A
api-public:province-list+format                  POST   405  405  405  405  405  405  405  405  405  405
api-public:track-detail+format[active]           GET    A    A    A    A    A    A    A    A    A    A
api-public:track-detail+format[active]           POST   405  405  405  405  405  405  405  405  405  405
api-public:track-detail+format[active]           PATCH  405  405  405  405  405  405  405  405  405  405
api-public:track-detail+format[active]           DELETE 405  405  405  405  405  405  405  405  405  405
api-public:track-detail+format[proposed]         GET    404  404  404  404  404  404  404  404  404  404
api-public:track-detail+format[proposed]         POST   405  405  405  405  405  405  405  405  405  405
api-public:track-detail+format[proposed]         PATCH  405  405  405  405  405  405  405  405  405  405
api-public:track-detail+format[proposed]         DELETE 405  405  405  405  405  405  405  405  405  405
api-public:track-detail[active]                  GET    A    A    A    A    A    A    A    A    A    A
api-public:track-detail[active]                  POST   405  405  405  405  405  405  405  405  405  405
api-public:track-detail[active]                  PATCH  405  405  405  405  405  405  405  405  405  405
api-public:track-detail[active]                  DELETE 405  405  405  405  405  405  405  405  405  405
api-public:track-detail[proposed]                GET    404  404  404  404  404  404  404  404  404  404
api-public:track-detail[proposed]                POST   405  405  405  405  405  405  405  405  405  405
api-public:track-detail[proposed]                PATCH  405  405  405  405  405  405  405  405  405  405
api-public:track-detail[proposed]                DELETE 405  405  405  405  405  405  405  405  405  405
api-public:track-list                            GET    A    A    A    A    A    A    A    A    A    A
api-public:track-list                            POST   405  405  405  405  405  405  405  405  405  405
api-public:track-list+format                     GET    A    A    A    A    A    A    A    A    A    A
api-public:track-list+format                     POST   405  405  405  405  405  405  405  405  405  405
api-public:zone-detail                           GET    A    A    A    A    A    A    A    A    A    A
api-public:zone-detail                           POST   405  405  405  405  405  405  405  405  405  405
api-public:zone-detail                           PATCH  405  405  405  405  405  405  405  405  405  405
api-public:zone-detail                           DELETE 405  405  405  405  405  405  405  405  405  405
api-public:zone-detail+format                    GET    A    A    A    A    A    A    A    A    A    A
api-public:zone-detail+format                    POST   405  405  405  405  405  405  405  405  405  405
api-public:zone-detail+format                    PATCH  405  405  405  405  405  405  405  405  405  405
api-public:zone-detail+format                    DELETE 405  405  405  405  405  405  405  405  405  405
api-public:zone-list                             GET    A    A    A    A    A    A    A    A    A    A
api-public:zone-list                             POST   405  405  405  405  405  405  405  405  405  405
api-public:zone-list+format                      GET    A    A    A    A    A    A    A    A    A    A
api-public:zone-list+format                      POST   405  405  405  405  405  405  405  405  405  405
api-schema                                       GET    A    A    A    A    A    A    A    A    A    A
api-schema                                       POST   405  405  405  405  405  405  405  405  405  405

# --- admin:
admin:accounts_profile_add                       GET    L    L    L    L    403  403  403  A    403  403
admin:accounts_profile_add                       POST   L    L    L    L    403  403  403  A    403  403
admin:accounts_profile_change                    GET    L    L    L    L    403  403  403  A    403  403
admin:accounts_profile_change                    POST   L    L    L    L    403  403  403  A    403  403
admin:accounts_profile_changelist                GET    L    L    L    L    403  403  403  A    403  403
admin:accounts_profile_changelist                POST   L    L    L    L    403  403  403  A    403  403
admin:accounts_profile_delete                    GET    L    L    L    L    403  403  403  403  403  403
admin:accounts_profile_delete                    POST   L    L    L    L    403  403  403  403  403  403
admin:accounts_profile_history                   GET    L    L    L    L    403  403  403  A    403  403
admin:accounts_profile_history                   POST   L    L    L    L    403  403  403  A    403  403
admin:app_list[accounts]                         GET    L    L    L    L    404  404  404  A    404  404
admin:app_list[accounts]                         POST   L    L    L    L    404  404  404  A    404  404
admin:app_list[audit]                            GET    L    L    L    L    404  404  404  404  404  A
admin:app_list[audit]                            POST   L    L    L    L    404  404  404  404  404  A
admin:app_list[auth]                             GET    L    L    L    L    404  404  404  A    A    404
admin:app_list[auth]                             POST   L    L    L    L    404  404  404  A    A    404
admin:app_list[authtoken]                        GET    L    L    L    L    404  404  404  404  404  404
admin:app_list[authtoken]                        POST   L    L    L    L    404  404  404  404  404  404
admin:app_list[axes]                             GET    L    L    L    L    404  404  404  404  A    404
admin:app_list[axes]                             POST   L    L    L    L    404  404  404  404  A    404
admin:app_list[cultivation]                      GET    L    L    L    L    404  404  A    404  404  404
admin:app_list[cultivation]                      POST   L    L    L    L    404  404  A    404  404  404
admin:app_list[otp_static]                       GET    L    L    L    L    404  404  404  404  A    404
admin:app_list[otp_static]                       POST   L    L    L    L    404  404  404  404  A    404
admin:app_list[otp_totp]                         GET    L    L    L    L    404  404  404  404  A    404
admin:app_list[otp_totp]                         POST   L    L    L    L    404  404  404  404  A    404
admin:app_list[tracks]                           GET    L    L    L    L    A    A    A    404  404  404
admin:app_list[tracks]                           POST   L    L    L    L    A    A    A    404  404  404
admin:app_list[zones]                            GET    L    L    L    L    404  404  A    404  404  404
admin:app_list[zones]                            POST   L    L    L    L    404  404  A    404  404  404
admin:audit_auditevent_add                       GET    L    L    L    L    403  403  403  403  403  403
admin:audit_auditevent_add                       POST   L    L    L    L    403  403  403  403  403  403
admin:audit_auditevent_change                    GET    L    L    L    L    403  403  403  403  403  A
admin:audit_auditevent_change                    POST   L    L    L    L    403  403  403  403  403  403
admin:audit_auditevent_changelist                GET    L    L    L    L    403  403  403  403  403  A
admin:audit_auditevent_changelist                POST   L    L    L    L    403  403  403  403  403  A
admin:audit_auditevent_delete                    GET    L    L    L    L    403  403  403  403  403  403
admin:audit_auditevent_delete                    POST   L    L    L    L    403  403  403  403  403  403
admin:audit_auditevent_export                    GET    L    L    L    L    403  403  403  403  403  A
admin:audit_auditevent_export                    POST   L    L    L    L    403  403  403  403  403  A
admin:audit_auditevent_history                   GET    L    L    L    L    403  403  403  403  403  A
admin:audit_auditevent_history                   POST   L    L    L    L    403  403  403  403  403  A
admin:auth_group_add                             GET    L    L    L    L    403  403  403  403  403  403
admin:auth_group_add                             POST   L    L    L    L    403  403  403  403  403  403
admin:auth_group_change                          GET    L    L    L    L    403  403  403  A    403  403
admin:auth_group_change                          POST   L    L    L    L    403  403  403  403  403  403
admin:auth_group_changelist                      GET    L    L    L    L    403  403  403  A    403  403
admin:auth_group_changelist                      POST   L    L    L    L    403  403  403  A    403  403
admin:auth_group_delete                          GET    L    L    L    L    403  403  403  403  403  403
admin:auth_group_delete                          POST   L    L    L    L    403  403  403  403  403  403
admin:auth_group_history                         GET    L    L    L    L    403  403  403  A    403  403
admin:auth_group_history                         POST   L    L    L    L    403  403  403  A    403  403
admin:auth_user_add                              GET    L    L    L    L    403  403  403  A    403  403
admin:auth_user_add                              POST   L    L    L    L    403  403  403  A    403  403
admin:auth_user_change[admin]                    GET    L    L    L    L    403  403  403  A    A    403
admin:auth_user_change[admin]                    POST   L    L    L    L    403  403  403  403  403  403
admin:auth_user_change[official]                 GET    L    L    L    L    403  403  403  A    A    403
admin:auth_user_change[official]                 POST   L    L    L    L    403  403  403  A    403  403
admin:auth_user_changelist                       GET    L    L    L    L    403  403  403  A    A    403
admin:auth_user_changelist                       POST   L    L    L    L    403  403  403  A    A    403
admin:auth_user_delete                           GET    L    L    L    L    403  403  403  403  403  403
admin:auth_user_delete                           POST   L    L    L    L    403  403  403  403  403  403
admin:auth_user_history                          GET    L    L    L    L    403  403  403  A    A    403
admin:auth_user_history                          POST   L    L    L    L    403  403  403  A    A    403
admin:auth_user_password_change[admin]           GET    L    L    L    L    403  403  403  403  403  403
admin:auth_user_password_change[admin]           POST   L    L    L    L    403  403  403  403  403  403
admin:auth_user_password_change[official]        GET    L    L    L    L    403  403  403  A    403  403
admin:auth_user_password_change[official]        POST   L    L    L    L    403  403  403  A    403  403
admin:authtoken_tokenproxy_add                   GET    L    L    L    L    403  403  403  403  403  403
admin:authtoken_tokenproxy_add                   POST   L    L    L    L    403  403  403  403  403  403
admin:authtoken_tokenproxy_change                GET    L    L    L    L    403  403  403  403  403  403
admin:authtoken_tokenproxy_change                POST   L    L    L    L    403  403  403  403  403  403
admin:authtoken_tokenproxy_changelist            GET    L    L    L    L    403  403  403  403  403  403
admin:authtoken_tokenproxy_changelist            POST   L    L    L    L    403  403  403  403  403  403
admin:authtoken_tokenproxy_delete                GET    L    L    L    L    403  403  403  403  403  403
admin:authtoken_tokenproxy_delete                POST   L    L    L    L    403  403  403  403  403  403
admin:authtoken_tokenproxy_history               GET    L    L    L    L    403  403  403  403  403  403
admin:authtoken_tokenproxy_history               POST   L    L    L    L    403  403  403  403  403  403
admin:autocomplete                               GET    L    L    L    L    403  403  403  403  403  403
admin:autocomplete                               POST   L    L    L    L    405  405  405  405  405  405
admin:autocomplete[profile-user]                 GET    L    L    L    L    403  403  403  A    A    403
admin:autocomplete[profile-user]                 POST   L    L    L    L    405  405  405  405  405  405
admin:autocomplete[track-field]                  GET    L    L    L    L    403  403  A    403  403  403
admin:autocomplete[track-field]                  POST   L    L    L    L    405  405  405  405  405  405
admin:axes_accessattempt_add                     GET    L    L    L    L    403  403  403  403  403  403
admin:axes_accessattempt_add                     POST   L    L    L    L    403  403  403  403  403  403
admin:axes_accessattempt_change                  GET    L    L    L    L    403  403  403  403  A    403
admin:axes_accessattempt_change                  POST   L    L    L    L    403  403  403  403  403  403
admin:axes_accessattempt_changelist              GET    L    L    L    L    403  403  403  403  A    403
admin:axes_accessattempt_changelist              POST   L    L    L    L    403  403  403  403  A    403
admin:axes_accessattempt_delete                  GET    L    L    L    L    403  403  403  403  A    403
admin:axes_accessattempt_delete                  POST   L    L    L    L    403  403  403  403  A    403
admin:axes_accessattempt_history                 GET    L    L    L    L    403  403  403  403  A    403
admin:axes_accessattempt_history                 POST   L    L    L    L    403  403  403  403  A    403
admin:axes_accessfailurelog_add                  GET    L    L    L    L    403  403  403  403  403  403
admin:axes_accessfailurelog_add                  POST   L    L    L    L    403  403  403  403  403  403
admin:axes_accessfailurelog_change               GET    L    L    L    L    403  403  403  403  A    403
admin:axes_accessfailurelog_change               POST   L    L    L    L    403  403  403  403  403  403
admin:axes_accessfailurelog_changelist           GET    L    L    L    L    403  403  403  403  A    403
admin:axes_accessfailurelog_changelist           POST   L    L    L    L    403  403  403  403  A    403
admin:axes_accessfailurelog_delete               GET    L    L    L    L    403  403  403  403  403  403
admin:axes_accessfailurelog_delete               POST   L    L    L    L    403  403  403  403  403  403
admin:axes_accessfailurelog_history              GET    L    L    L    L    403  403  403  403  A    403
admin:axes_accessfailurelog_history              POST   L    L    L    L    403  403  403  403  A    403
admin:axes_accesslog_add                         GET    L    L    L    L    403  403  403  403  403  403
admin:axes_accesslog_add                         POST   L    L    L    L    403  403  403  403  403  403
admin:axes_accesslog_change                      GET    L    L    L    L    403  403  403  403  A    403
admin:axes_accesslog_change                      POST   L    L    L    L    403  403  403  403  403  403
admin:axes_accesslog_changelist                  GET    L    L    L    L    403  403  403  403  A    403
admin:axes_accesslog_changelist                  POST   L    L    L    L    403  403  403  403  A    403
admin:axes_accesslog_delete                      GET    L    L    L    L    403  403  403  403  403  403
admin:axes_accesslog_delete                      POST   L    L    L    L    403  403  403  403  403  403
admin:axes_accesslog_history                     GET    L    L    L    L    403  403  403  403  A    403
admin:axes_accesslog_history                     POST   L    L    L    L    403  403  403  403  A    403
admin:cultivation_supportmeasure_add             GET    L    L    L    L    403  403  403  403  403  403
admin:cultivation_supportmeasure_add             POST   L    L    L    L    403  403  403  403  403  403
admin:cultivation_supportmeasure_change          GET    L    L    L    L    403  403  A    403  403  403
admin:cultivation_supportmeasure_change          POST   L    L    L    L    403  403  403  403  403  403
admin:cultivation_supportmeasure_changelist      GET    L    L    L    L    403  403  A    403  403  403
admin:cultivation_supportmeasure_changelist      POST   L    L    L    L    403  403  A    403  403  403
admin:cultivation_supportmeasure_delete          GET    L    L    L    L    403  403  403  403  403  403
admin:cultivation_supportmeasure_delete          POST   L    L    L    L    403  403  403  403  403  403
admin:cultivation_supportmeasure_history         GET    L    L    L    L    403  403  A    403  403  403
admin:cultivation_supportmeasure_history         POST   L    L    L    L    403  403  A    403  403  403
admin:cultivation_typicalcase_add                GET    L    L    L    L    403  403  A    403  403  403
admin:cultivation_typicalcase_add                POST   L    L    L    L    403  403  A    403  403  403
admin:cultivation_typicalcase_change             GET    L    L    L    L    403  403  A    403  403  403
admin:cultivation_typicalcase_change             POST   L    L    L    L    403  403  A    403  403  403
admin:cultivation_typicalcase_changelist         GET    L    L    L    L    403  403  A    403  403  403
admin:cultivation_typicalcase_changelist         POST   L    L    L    L    403  403  A    403  403  403
admin:cultivation_typicalcase_delete             GET    L    L    L    L    403  403  403  403  403  403
admin:cultivation_typicalcase_delete             POST   L    L    L    L    403  403  403  403  403  403
admin:cultivation_typicalcase_history            GET    L    L    L    L    403  403  A    403  403  403
admin:cultivation_typicalcase_history            POST   L    L    L    L    403  403  A    403  403  403
admin:index                                      GET    L    L    L    L    A    A    A    A    A    A
admin:index                                      POST   L    L    L    L    A    A    A    A    A    A
admin:jsi18n                                     GET    L    L    L    L    A    A    A    A    A    A
admin:jsi18n                                     POST   L    L    L    L    405  405  405  405  405  405
admin:login                                      GET    A    A    A    A    IX   IX   IX   IX   IX   IX
admin:login                                      POST   A    A    A    A    A    A    A    A    A    A
admin:logout                                     GET    IX   IX   IX   IX   405  405  405  405  405  405
admin:logout                                     POST   IX   IX   IX   IX   A    A    A    A    A    A
admin:otp_static_staticdevice_add                GET    L    L    L    L    403  403  403  403  403  403
admin:otp_static_staticdevice_add                POST   L    L    L    L    403  403  403  403  403  403
admin:otp_static_staticdevice_change             GET    L    L    L    L    403  403  403  403  A    403
admin:otp_static_staticdevice_change             POST   L    L    L    L    403  403  403  403  403  403
admin:otp_static_staticdevice_changelist         GET    L    L    L    L    403  403  403  403  A    403
admin:otp_static_staticdevice_changelist         POST   L    L    L    L    403  403  403  403  A    403
admin:otp_static_staticdevice_delete             GET    L    L    L    L    403  403  403  403  A    403
admin:otp_static_staticdevice_delete             POST   L    L    L    L    403  403  403  403  A    403
admin:otp_static_staticdevice_history            GET    L    L    L    L    403  403  403  403  A    403
admin:otp_static_staticdevice_history            POST   L    L    L    L    403  403  403  403  A    403
admin:otp_totp_totpdevice_add                    GET    L    L    L    L    403  403  403  403  403  403
admin:otp_totp_totpdevice_add                    POST   L    L    L    L    403  403  403  403  403  403
admin:otp_totp_totpdevice_change                 GET    L    L    L    L    403  403  403  403  A    403
admin:otp_totp_totpdevice_change                 POST   L    L    L    L    403  403  403  403  403  403
admin:otp_totp_totpdevice_changelist             GET    L    L    L    L    403  403  403  403  A    403
admin:otp_totp_totpdevice_changelist             POST   L    L    L    L    403  403  403  403  A    403
admin:otp_totp_totpdevice_config                 GET    L    L    L    L    403  403  403  403  403  403
admin:otp_totp_totpdevice_config                 POST   L    L    L    L    403  403  403  403  403  403
admin:otp_totp_totpdevice_delete                 GET    L    L    L    L    403  403  403  403  A    403
admin:otp_totp_totpdevice_delete                 POST   L    L    L    L    403  403  403  403  A    403
admin:otp_totp_totpdevice_history                GET    L    L    L    L    403  403  403  403  A    403
admin:otp_totp_totpdevice_history                POST   L    L    L    L    403  403  403  403  A    403
admin:otp_totp_totpdevice_qrcode                 GET    L    L    L    L    403  403  403  403  403  403
admin:otp_totp_totpdevice_qrcode                 POST   L    L    L    L    403  403  403  403  403  403
admin:password_change                            GET    L    L    L    L    A    A    A    A    A    A
admin:password_change                            POST   L    L    L    L    A    A    A    A    A    A
admin:password_change_done                       GET    L    L    L    L    A    A    A    A    A    A
admin:password_change_done                       POST   L    L    L    L    405  405  405  405  405  405
admin:tracks_announcement_add                    GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_announcement_add                    POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_announcement_change                 GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_announcement_change                 POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_announcement_changelist             GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_announcement_changelist             POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_announcement_delete                 GET    L    L    L    L    403  403  403  403  403  403
admin:tracks_announcement_delete                 POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_announcement_history                GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_announcement_history                POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_assignment_add                      GET    L    L    L    L    403  403  403  403  403  403
admin:tracks_assignment_add                      POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_assignment_attachment[conf]         GET    L    L    L    L    404  404  A    404  404  404
admin:tracks_assignment_attachment[conf]         POST   L    L    L    L    404  404  A    404  404  404
admin:tracks_assignment_attachment[rev]          GET    L    L    L    L    A    404  A    404  404  404
admin:tracks_assignment_attachment[rev]          POST   L    L    L    L    A    404  A    404  404  404
admin:tracks_assignment_autosave[conf]           GET    L    L    L    L    405  405  405  405  405  405
admin:tracks_assignment_autosave[conf]           POST   L    L    L    L    404  R    403  404  404  404
admin:tracks_assignment_autosave[rev]            GET    L    L    L    L    405  405  405  405  405  405
admin:tracks_assignment_autosave[rev]            POST   L    L    L    L    A    404  403  404  404  404
admin:tracks_assignment_change[conf]             GET    L    L    L    L    IX   A    A    IX   IX   IX
admin:tracks_assignment_change[conf]             POST   L    L    L    L    IX   R    R    IX   IX   IX
admin:tracks_assignment_change[rev]              GET    L    L    L    L    A    IX   A    IX   IX   IX
admin:tracks_assignment_change[rev]              POST   L    L    L    L    A    IX   R    IX   IX   IX
admin:tracks_assignment_changelist               GET    L    L    L    L    A    A    A    403  403  403
admin:tracks_assignment_changelist               POST   L    L    L    L    A    A    A    403  403  403
admin:tracks_assignment_delete[conf]             GET    L    L    L    L    403  403  403  403  403  403
admin:tracks_assignment_delete[conf]             POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_assignment_delete[rev]              GET    L    L    L    L    403  403  403  403  403  403
admin:tracks_assignment_delete[rev]              POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_assignment_history[conf]            GET    L    L    L    L    IX   A    A    IX   IX   IX
admin:tracks_assignment_history[conf]            POST   L    L    L    L    IX   A    A    IX   IX   IX
admin:tracks_assignment_history[rev]             GET    L    L    L    L    A    IX   A    IX   IX   IX
admin:tracks_assignment_history[rev]             POST   L    L    L    L    A    IX   A    IX   IX   IX
admin:tracks_assignment_notices_read             GET    L    L    L    L    405  405  405  405  405  405
admin:tracks_assignment_notices_read             POST   L    L    L    L    A    A    A    A    A    A
admin:tracks_conflictdeclaration_add             GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_conflictdeclaration_add             POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_conflictdeclaration_change          GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_conflictdeclaration_change          POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_conflictdeclaration_changelist      GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_conflictdeclaration_changelist      POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_conflictdeclaration_delete          GET    L    L    L    L    403  403  403  403  403  403
admin:tracks_conflictdeclaration_delete          POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_conflictdeclaration_history         GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_conflictdeclaration_history         POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_criterion_add                       GET    L    L    L    L    403  403  403  403  403  403
admin:tracks_criterion_add                       POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_criterion_change                    GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_criterion_change                    POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_criterion_changelist                GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_criterion_changelist                POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_criterion_delete                    GET    L    L    L    L    403  403  403  403  403  403
admin:tracks_criterion_delete                    POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_criterion_history                   GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_criterion_history                   POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_cycle_add                           GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_cycle_add                           POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_cycle_change                        GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_cycle_change                        POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_cycle_changelist                    GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_cycle_changelist                    POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_cycle_delete                        GET    L    L    L    L    403  403  403  403  403  403
admin:tracks_cycle_delete                        POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_cycle_from_previous                 GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_cycle_from_previous                 POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_cycle_history                       GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_cycle_history                       POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_field_add                           GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_field_add                           POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_field_change                        GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_field_change                        POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_field_changelist                    GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_field_changelist                    POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_field_delete                        GET    L    L    L    L    403  403  403  403  403  403
admin:tracks_field_delete                        POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_field_history                       GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_field_history                       POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_libraryentry_add                    GET    L    L    L    L    403  403  403  403  403  403
admin:tracks_libraryentry_add                    POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_libraryentry_change                 GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_libraryentry_change                 POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_libraryentry_changelist             GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_libraryentry_changelist             POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_libraryentry_delete                 GET    L    L    L    L    403  403  403  403  403  403
admin:tracks_libraryentry_delete                 POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_libraryentry_history                GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_libraryentry_history                POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_listentry_add                       GET    L    L    L    L    403  403  403  403  403  403
admin:tracks_listentry_add                       POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_listentry_change                    GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_listentry_change                    POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_listentry_changelist                GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_listentry_changelist                POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_listentry_delete                    GET    L    L    L    L    403  403  403  403  403  403
admin:tracks_listentry_delete                    POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_listentry_history                   GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_listentry_history                   POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_monitoringreport_add                GET    L    L    L    L    403  403  403  403  403  403
admin:tracks_monitoringreport_add                POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_monitoringreport_change             GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_monitoringreport_change             POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_monitoringreport_changelist         GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_monitoringreport_changelist         POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_monitoringreport_delete             GET    L    L    L    L    403  403  403  403  403  403
admin:tracks_monitoringreport_delete             POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_monitoringreport_history            GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_monitoringreport_history            POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_nomination_add                      GET    L    L    L    L    403  403  403  403  403  403
admin:tracks_nomination_add                      POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_nomination_attachment               GET    L    L    L    L    404  404  A    404  404  404
admin:tracks_nomination_attachment               POST   L    L    L    L    404  404  A    404  404  404
admin:tracks_nomination_change                   GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_nomination_change                   POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_nomination_changelist               GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_nomination_changelist               POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_nomination_delete                   GET    L    L    L    L    403  403  403  403  403  403
admin:tracks_nomination_delete                   POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_nomination_history                  GET    L    L    L    L    IX   IX   A    IX   IX   IX
admin:tracks_nomination_history                  POST   L    L    L    L    IX   IX   A    IX   IX   IX
admin:tracks_nomination_review[accept]           GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_nomination_review[accept]           POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_nominationattachment_add            GET    L    L    L    L    403  403  403  403  403  403
admin:tracks_nominationattachment_add            POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_nominationattachment_change         GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_nominationattachment_change         POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_nominationattachment_changelist     GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_nominationattachment_changelist     POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_nominationattachment_delete         GET    L    L    L    L    403  403  403  403  403  403
admin:tracks_nominationattachment_delete         POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_nominationattachment_history        GET    L    L    L    L    IX   IX   A    IX   IX   IX
admin:tracks_nominationattachment_history        POST   L    L    L    L    IX   IX   A    IX   IX   IX
admin:tracks_notification_add                    GET    L    L    L    L    403  403  403  403  403  403
admin:tracks_notification_add                    POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_notification_change                 GET    L    L    L    L    403  403  IX   403  403  403
admin:tracks_notification_change                 POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_notification_changelist             GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_notification_changelist             POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_notification_delete                 GET    L    L    L    L    403  403  403  403  403  403
admin:tracks_notification_delete                 POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_notification_history                GET    L    L    L    L    IX   IX   IX   IX   IX   IX
admin:tracks_notification_history                POST   L    L    L    L    IX   IX   IX   IX   IX   IX
admin:tracks_objection_add                       GET    L    L    L    L    403  403  403  403  403  403
admin:tracks_objection_add                       POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_objection_change                    GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_objection_change                    POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_objection_changelist                GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_objection_changelist                POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_objection_delete                    GET    L    L    L    L    403  403  403  403  403  403
admin:tracks_objection_delete                    POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_objection_evidence                  GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_objection_evidence                  POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_objection_history                   GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_objection_history                   POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_parklist_add                        GET    L    L    L    L    403  403  403  403  403  403
admin:tracks_parklist_add                        POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_parklist_build                      GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_parklist_build                      POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_parklist_change                     GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_parklist_change                     POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_parklist_changelist                 GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_parklist_changelist                 POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_parklist_correct                    GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_parklist_correct                    POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_parklist_delete                     GET    L    L    L    L    403  403  403  403  403  403
admin:tracks_parklist_delete                     POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_parklist_history                    GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_parklist_history                    POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_parklist_verify                     GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_parklist_verify                     POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_provincequota_add                   GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_provincequota_add                   POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_provincequota_change                GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_provincequota_change                POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_provincequota_changelist            GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_provincequota_changelist            POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_provincequota_delete                GET    L    L    L    L    403  403  403  403  403  403
admin:tracks_provincequota_delete                POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_provincequota_history               GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_provincequota_history               POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_rankingsnapshot_add                 GET    L    L    L    L    403  403  403  403  403  403
admin:tracks_rankingsnapshot_add                 POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_rankingsnapshot_change              GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_rankingsnapshot_change              POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_rankingsnapshot_changelist          GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_rankingsnapshot_changelist          POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_rankingsnapshot_delete              GET    L    L    L    L    403  403  403  403  403  403
admin:tracks_rankingsnapshot_delete              POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_rankingsnapshot_history             GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_rankingsnapshot_history             POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_review_assign                       GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_review_assign                       POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_review_desk                         GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_review_desk                         POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_review_nomination                   GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_review_nomination                   POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_review_open                         GET    L    L    L    L    403  403  405  403  403  403
admin:tracks_review_open                         POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_review_ranking                      GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_review_ranking                      POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_review_ranking_xlsx                 GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_review_ranking_xlsx                 POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_review_remind                       GET    L    L    L    L    403  403  405  403  403  403
admin:tracks_review_remind                       POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_reviewerprofile_add                 GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_reviewerprofile_add                 POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_reviewerprofile_change              GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_reviewerprofile_change              POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_reviewerprofile_changelist          GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_reviewerprofile_changelist          POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_reviewerprofile_delete              GET    L    L    L    L    403  403  403  403  403  403
admin:tracks_reviewerprofile_delete              POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_reviewerprofile_history             GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_reviewerprofile_history             POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_score_add                           GET    L    L    L    L    403  403  403  403  403  403
admin:tracks_score_add                           POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_score_change[other]                 GET    L    L    L    L    IX   IX   A    403  403  403
admin:tracks_score_change[other]                 POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_score_change[rev]                   GET    L    L    L    L    A    IX   A    403  403  403
admin:tracks_score_change[rev]                   POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_score_changelist                    GET    L    L    L    L    A    A    A    403  403  403
admin:tracks_score_changelist                    POST   L    L    L    L    A    A    A    403  403  403
admin:tracks_score_delete                        GET    L    L    L    L    403  403  403  403  403  403
admin:tracks_score_delete                        POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_score_history                       GET    L    L    L    L    IX   IX   A    IX   IX   IX
admin:tracks_score_history                       POST   L    L    L    L    IX   IX   A    IX   IX   IX
admin:tracks_track_add                           GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_track_add                           POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_track_approve                       GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_track_approve                       POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_track_change                        GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_track_change                        POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_track_changelist                    GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_track_changelist                    POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_track_delete                        GET    L    L    L    L    403  403  403  403  403  403
admin:tracks_track_delete                        POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_track_history                       GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_track_history                       POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_track_merge                         GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_track_merge                         POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_trackalias_add                      GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_trackalias_add                      POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_trackalias_change                   GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_trackalias_change                   POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_trackalias_changelist               GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_trackalias_changelist               POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_trackalias_delete                   GET    L    L    L    L    403  403  403  403  403  403
admin:tracks_trackalias_delete                   POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_trackalias_history                  GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_trackalias_history                  POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_windowextension_add                 GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_windowextension_add                 POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_windowextension_change              GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_windowextension_change              POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_windowextension_changelist          GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_windowextension_changelist          POST   L    L    L    L    403  403  A    403  403  403
admin:tracks_windowextension_delete              GET    L    L    L    L    403  403  403  403  403  403
admin:tracks_windowextension_delete              POST   L    L    L    L    403  403  403  403  403  403
admin:tracks_windowextension_history             GET    L    L    L    L    403  403  A    403  403  403
admin:tracks_windowextension_history             POST   L    L    L    L    403  403  A    403  403  403
admin:view_on_site                               GET    L    L    L    L    404  404  404  404  404  404
admin:view_on_site                               POST   L    L    L    L    404  404  404  404  404  404
admin:zones_province_add                         GET    L    L    L    L    403  403  A    403  403  403
admin:zones_province_add                         POST   L    L    L    L    403  403  A    403  403  403
admin:zones_province_change                      GET    L    L    L    L    403  403  A    403  403  403
admin:zones_province_change                      POST   L    L    L    L    403  403  A    403  403  403
admin:zones_province_changelist                  GET    L    L    L    L    403  403  A    403  403  403
admin:zones_province_changelist                  POST   L    L    L    L    403  403  A    403  403  403
admin:zones_province_delete                      GET    L    L    L    L    403  403  403  403  403  403
admin:zones_province_delete                      POST   L    L    L    L    403  403  403  403  403  403
admin:zones_province_history                     GET    L    L    L    L    403  403  A    403  403  403
admin:zones_province_history                     POST   L    L    L    L    403  403  A    403  403  403
admin:zones_region_add                           GET    L    L    L    L    403  403  A    403  403  403
admin:zones_region_add                           POST   L    L    L    L    403  403  A    403  403  403
admin:zones_region_change                        GET    L    L    L    L    403  403  A    403  403  403
admin:zones_region_change                        POST   L    L    L    L    403  403  A    403  403  403
admin:zones_region_changelist                    GET    L    L    L    L    403  403  A    403  403  403
admin:zones_region_changelist                    POST   L    L    L    L    403  403  A    403  403  403
admin:zones_region_delete                        GET    L    L    L    L    403  403  403  403  403  403
admin:zones_region_delete                        POST   L    L    L    L    403  403  403  403  403  403
admin:zones_region_history                       GET    L    L    L    L    403  403  A    403  403  403
admin:zones_region_history                       POST   L    L    L    L    403  403  A    403  403  403
admin:zones_strategicarea_add                    GET    L    L    L    L    403  403  A    403  403  403
admin:zones_strategicarea_add                    POST   L    L    L    L    403  403  A    403  403  403
admin:zones_strategicarea_change                 GET    L    L    L    L    403  403  A    403  403  403
admin:zones_strategicarea_change                 POST   L    L    L    L    403  403  A    403  403  403
admin:zones_strategicarea_changelist             GET    L    L    L    L    403  403  A    403  403  403
admin:zones_strategicarea_changelist             POST   L    L    L    L    403  403  A    403  403  403
admin:zones_strategicarea_delete                 GET    L    L    L    L    403  403  403  403  403  403
admin:zones_strategicarea_delete                 POST   L    L    L    L    403  403  403  403  403  403
admin:zones_strategicarea_history                GET    L    L    L    L    403  403  A    403  403  403
admin:zones_strategicarea_history                POST   L    L    L    L    403  403  A    403  403  403
admin:zones_zone_add                             GET    L    L    L    L    403  403  A    403  403  403
admin:zones_zone_add                             POST   L    L    L    L    403  403  A    403  403  403
admin:zones_zone_change                          GET    L    L    L    L    403  403  A    403  403  403
admin:zones_zone_change                          POST   L    L    L    L    403  403  A    403  403  403
admin:zones_zone_changelist                      GET    L    L    L    L    403  403  A    403  403  403
admin:zones_zone_changelist                      POST   L    L    L    L    403  403  A    403  403  403
admin:zones_zone_delete                          GET    L    L    L    L    403  403  403  403  403  403
admin:zones_zone_delete                          POST   L    L    L    L    403  403  403  403  403  403
admin:zones_zone_history                         GET    L    L    L    L    403  403  A    403  403  403
admin:zones_zone_history                         POST   L    L    L    L    403  403  A    403  403  403

# --- admin/
admin/(?P<url>.*)$                               GET    L    L    L    L    404  404  404  404  404  404
admin/(?P<url>.*)$                               POST   L    L    L    L    404  404  404  404  404  404
admin/accounts/profile/<path:object_id>/         GET    L    L    L    L    A    A    A    A    A    A
admin/accounts/profile/<path:object_id>/         POST   L    L    L    L    A    A    A    A    A    A
admin/audit/auditevent/<path:object_id>/         GET    L    L    L    L    A    A    A    A    A    A
admin/audit/auditevent/<path:object_id>/         POST   L    L    L    L    A    A    A    A    A    A
admin/auth/group/<path:object_id>/               GET    L    L    L    L    A    A    A    A    A    A
admin/auth/group/<path:object_id>/               POST   L    L    L    L    A    A    A    A    A    A
admin/auth/user/<path:object_id>/                GET    L    L    L    L    A    A    A    A    A    A
admin/auth/user/<path:object_id>/                POST   L    L    L    L    A    A    A    A    A    A
admin/authtoken/tokenproxy/<path:object_id>/     GET    L    L    L    L    A    A    A    A    A    A
admin/authtoken/tokenproxy/<path:object_id>/     POST   L    L    L    L    A    A    A    A    A    A
admin/axes/accessattempt/<path:object_id>/       GET    L    L    L    L    A    A    A    A    A    A
admin/axes/accessattempt/<path:object_id>/       POST   L    L    L    L    A    A    A    A    A    A
admin/axes/accessfailurelog/<path:object_id>/    GET    L    L    L    L    A    A    A    A    A    A
admin/axes/accessfailurelog/<path:object_id>/    POST   L    L    L    L    A    A    A    A    A    A
admin/axes/accesslog/<path:object_id>/           GET    L    L    L    L    A    A    A    A    A    A
admin/axes/accesslog/<path:object_id>/           POST   L    L    L    L    A    A    A    A    A    A
admin/cultivation/supportmeasure/<path:object_id>/ GET    L    L    L    L    A    A    A    A    A    A
admin/cultivation/supportmeasure/<path:object_id>/ POST   L    L    L    L    A    A    A    A    A    A
admin/cultivation/typicalcase/<path:object_id>/  GET    L    L    L    L    A    A    A    A    A    A
admin/cultivation/typicalcase/<path:object_id>/  POST   L    L    L    L    A    A    A    A    A    A
admin/otp_static/staticdevice/<path:object_id>/  GET    L    L    L    L    A    A    A    A    A    A
admin/otp_static/staticdevice/<path:object_id>/  POST   L    L    L    L    A    A    A    A    A    A
admin/otp_totp/totpdevice/<path:object_id>/      GET    L    L    L    L    A    A    A    A    A    A
admin/otp_totp/totpdevice/<path:object_id>/      POST   L    L    L    L    A    A    A    A    A    A
admin/tracks/announcement/<path:object_id>/      GET    L    L    L    L    A    A    A    A    A    A
admin/tracks/announcement/<path:object_id>/      POST   L    L    L    L    A    A    A    A    A    A
admin/tracks/assignment/<path:object_id>/[conf]  GET    L    L    L    L    A    A    A    A    A    A
admin/tracks/assignment/<path:object_id>/[conf]  POST   L    L    L    L    A    A    A    A    A    A
admin/tracks/assignment/<path:object_id>/[rev]   GET    L    L    L    L    A    A    A    A    A    A
admin/tracks/assignment/<path:object_id>/[rev]   POST   L    L    L    L    A    A    A    A    A    A
admin/tracks/conflictdeclaration/<path:object_id>/ GET    L    L    L    L    A    A    A    A    A    A
admin/tracks/conflictdeclaration/<path:object_id>/ POST   L    L    L    L    A    A    A    A    A    A
admin/tracks/criterion/<path:object_id>/         GET    L    L    L    L    A    A    A    A    A    A
admin/tracks/criterion/<path:object_id>/         POST   L    L    L    L    A    A    A    A    A    A
admin/tracks/cycle/<path:object_id>/             GET    L    L    L    L    A    A    A    A    A    A
admin/tracks/cycle/<path:object_id>/             POST   L    L    L    L    A    A    A    A    A    A
admin/tracks/field/<path:object_id>/             GET    L    L    L    L    A    A    A    A    A    A
admin/tracks/field/<path:object_id>/             POST   L    L    L    L    A    A    A    A    A    A
admin/tracks/libraryentry/<path:object_id>/      GET    L    L    L    L    A    A    A    A    A    A
admin/tracks/libraryentry/<path:object_id>/      POST   L    L    L    L    A    A    A    A    A    A
admin/tracks/listentry/<path:object_id>/         GET    L    L    L    L    A    A    A    A    A    A
admin/tracks/listentry/<path:object_id>/         POST   L    L    L    L    A    A    A    A    A    A
admin/tracks/monitoringreport/<path:object_id>/  GET    L    L    L    L    A    A    A    A    A    A
admin/tracks/monitoringreport/<path:object_id>/  POST   L    L    L    L    A    A    A    A    A    A
admin/tracks/nomination/<path:object_id>/        GET    L    L    L    L    A    A    A    A    A    A
admin/tracks/nomination/<path:object_id>/        POST   L    L    L    L    A    A    A    A    A    A
admin/tracks/nominationattachment/<path:object_id>/ GET    L    L    L    L    A    A    A    A    A    A
admin/tracks/nominationattachment/<path:object_id>/ POST   L    L    L    L    A    A    A    A    A    A
admin/tracks/notification/<path:object_id>/      GET    L    L    L    L    A    A    A    A    A    A
admin/tracks/notification/<path:object_id>/      POST   L    L    L    L    A    A    A    A    A    A
admin/tracks/objection/<path:object_id>/         GET    L    L    L    L    A    A    A    A    A    A
admin/tracks/objection/<path:object_id>/         POST   L    L    L    L    A    A    A    A    A    A
admin/tracks/parklist/<path:object_id>/          GET    L    L    L    L    A    A    A    A    A    A
admin/tracks/parklist/<path:object_id>/          POST   L    L    L    L    A    A    A    A    A    A
admin/tracks/provincequota/<path:object_id>/     GET    L    L    L    L    A    A    A    A    A    A
admin/tracks/provincequota/<path:object_id>/     POST   L    L    L    L    A    A    A    A    A    A
admin/tracks/rankingsnapshot/<path:object_id>/   GET    L    L    L    L    A    A    A    A    A    A
admin/tracks/rankingsnapshot/<path:object_id>/   POST   L    L    L    L    A    A    A    A    A    A
admin/tracks/reviewerprofile/<path:object_id>/   GET    L    L    L    L    A    A    A    A    A    A
admin/tracks/reviewerprofile/<path:object_id>/   POST   L    L    L    L    A    A    A    A    A    A
admin/tracks/score/<path:object_id>/             GET    L    L    L    L    A    A    A    A    A    A
admin/tracks/score/<path:object_id>/             POST   L    L    L    L    A    A    A    A    A    A
admin/tracks/track/<path:object_id>/             GET    L    L    L    L    A    A    A    A    A    A
admin/tracks/track/<path:object_id>/             POST   L    L    L    L    A    A    A    A    A    A
admin/tracks/trackalias/<path:object_id>/        GET    L    L    L    L    A    A    A    A    A    A
admin/tracks/trackalias/<path:object_id>/        POST   L    L    L    L    A    A    A    A    A    A
admin/tracks/windowextension/<path:object_id>/   GET    L    L    L    L    A    A    A    A    A    A
admin/tracks/windowextension/<path:object_id>/   POST   L    L    L    L    A    A    A    A    A    A
admin/zones/province/<path:object_id>/           GET    L    L    L    L    A    A    A    A    A    A
admin/zones/province/<path:object_id>/           POST   L    L    L    L    A    A    A    A    A    A
admin/zones/region/<path:object_id>/             GET    L    L    L    L    A    A    A    A    A    A
admin/zones/region/<path:object_id>/             POST   L    L    L    L    A    A    A    A    A    A
admin/zones/strategicarea/<path:object_id>/      GET    L    L    L    L    A    A    A    A    A    A
admin/zones/strategicarea/<path:object_id>/      POST   L    L    L    L    A    A    A    A    A    A
admin/zones/zone/<path:object_id>/               GET    L    L    L    L    A    A    A    A    A    A
admin/zones/zone/<path:object_id>/               POST   L    L    L    L    A    A    A    A    A    A
""")
# fmt: on

#: (case, method, role) -> the bug: cells whose code is wrong today (strict xfail in test_known_access_bug)
KNOWN_BUGS: dict[tuple[str, str, str], str] = {}
