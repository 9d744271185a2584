"""Test helpers for `@once` views (partnership/once.py).

A browser sends the one-time token of the page it shows; the test client does not render
pages before posting, so conftest's autouse fixture adds a fresh token to a POST to a
guarded view (`with_once_token`) unless the test sends its own `once_token` or is marked
`without_once_token`. Tests of the guard itself send `once_token(user)` explicitly.
"""

from urllib.parse import urlsplit

from django.urls import Resolver404, resolve

from partnership.once import FIELD, is_once_guarded, new_token


def once_token(user) -> str:
    """A token as `{% once_token %}` renders it for `user`."""
    return new_token(user)


def posts_to_guarded_view(path: str) -> bool:
    try:
        return is_once_guarded(resolve(urlsplit(path).path).func)
    except Resolver404:
        return False


def with_once_token(client, path: str, data):
    """`data` with a fresh token for the client's signed-in user, when `path` is an `@once` view."""
    if data is None:
        data = {}
    if not isinstance(data, dict) or FIELD in data or not posts_to_guarded_view(path):
        return data
    user = getattr(client, "once_user", None)  # set by conftest when the client signs in
    if user is None:
        return data  # nobody signed in: the view sends them to sign in first
    return {**data, FIELD: once_token(user)}
