from django import template

from .. import rules

register = template.Library()


@register.inclusion_tag("improvement/_nav.html", takes_context=True)
def improvement_nav(context, section=""):
    request, partnership = context["request"], context["partnership"]
    user = request.user
    everything = rules.reads_everything(user, partnership)
    leads = bool(rules.school_ids_led(user, partnership))
    return {
        "partnership": partnership,
        "section": section,
        "sees_schools": everything or leads,
        "sees_surveys": everything,
    }


RAG_CLASSES = {"green": "text-bg-success", "amber": "text-bg-warning", "red": "text-bg-danger"}


@register.inclusion_tag("improvement/_rag.html")
def rag(value, label=""):
    return {
        "value": value,
        "label": label or {"green": "Green", "amber": "Amber", "red": "Red"}.get(value, "Not reviewed"),
        "css": RAG_CLASSES.get(value, "text-bg-secondary"),
    }


@register.filter
def who(user) -> str:
    """A user's name, or their e-mail address, or a dash for nobody."""
    if user is None:
        return "—"
    return user.get_full_name() or user.email
