from django import template
from django.utils.html import format_html

from partnership.once import FIELD, new_token

register = template.Library()


@register.simple_tag(takes_context=True)
def once_token(context) -> str:
    """The hidden one-time token of a form whose view is `@once`: a fresh one per rendering."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_token(user))
