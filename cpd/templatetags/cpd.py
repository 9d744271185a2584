from django import template

register = template.Library()


@register.filter
def first_share(run, rank) -> float:
    """The share of people in an allocation run who got their `rank`th choice."""
    return run.share(int(rank))
