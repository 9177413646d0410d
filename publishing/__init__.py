"""Published lists as files (issue 18): a published or superseded version of a list is compiled into files under
``PUBLISHED_ROOT`` (the page and downloads per language, the API detail, the canonical JSON), served by nginx or by
the app's file path without the database. See ``compiler`` (what is written and when), ``paths`` (where),
``middleware`` (how it is served) and ``models`` (the manifests)."""
