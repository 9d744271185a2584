from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from partnership.audit import record

from ..models import NewsDigestSubscription, NewsItem


@transaction.atomic
def post_news(*, partnership, title, body, kind=NewsItem.Kind.NEWS, actor) -> NewsItem:
    if not title.strip() or not body.strip():
        raise ValidationError("News needs a title and some text.")
    item = NewsItem.objects.create(
        partnership=partnership,
        title=title.strip(),
        body=body.strip(),
        kind=kind,
        published_at=timezone.now(),
        author=actor,
    )
    record(actor=actor, verb="improvement.news.posted", target=item, data={"kind": kind})
    return item


@transaction.atomic
def set_digest(*, user, partnership, wanted: bool) -> bool:
    if wanted:
        _, created = NewsDigestSubscription.objects.get_or_create(
            user=user, partnership=partnership, defaults={"sent_up_to": timezone.now()}
        )
    else:
        created = bool(NewsDigestSubscription.objects.filter(user=user, partnership=partnership).delete()[0])
    record(
        actor=user,
        verb="improvement.news.digest_" + ("on" if wanted else "off"),
        target=partnership,
        partnership=partnership,
    )
    return created
