"""The registry's HTTP APIs (Django REST framework).

``nominations`` and ``portal_urls``: the token API provincial systems use for their own nominations (issue 3).
"""
