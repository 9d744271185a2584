from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from partnership.current import get_partnership, use_partnership
from partnership.permissions import require

from .. import rules, services
from ..forms import NewsForm
from ..models import NewsDigestSubscription, NewsItem
from ._common import attempt


@login_required
def news_list(request, partnership_slug):
    partnership = get_partnership(request, partnership_slug)
    can_post = rules.is_coordinator(request.user, partnership)
    form = NewsForm()
    if request.method == "POST":
        require(can_post)
        form = NewsForm(request.POST)
        if form.is_valid() and attempt(
            form, lambda: services.post_news(partnership=partnership, actor=request.user, **form.cleaned_data)
        ):
            messages.success(request, "News posted.")
            return redirect("improvement:news_list", partnership.slug)
    page = Paginator(NewsItem.objects.filter(partnership=partnership).select_related("author"), 20).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "improvement/news_list.html",
        {
            "partnership": partnership,
            "page_obj": page,
            "form": form,
            "can_post": can_post,
            "has_digest": NewsDigestSubscription.objects.filter(user=request.user, partnership=partnership).exists(),
        },
    )


@login_required
def news_detail(request, pk):
    item = get_object_or_404(NewsItem.objects.for_user(request.user).select_related("partnership", "author"), pk=pk)
    use_partnership(request, item.partnership)
    return render(request, "improvement/news_detail.html", {"partnership": item.partnership, "item": item})


@login_required
@require_POST
def news_digest(request, partnership_slug):
    partnership = get_partnership(request, partnership_slug)
    wanted = request.POST.get("digest") == "on"
    services.set_digest(user=request.user, partnership=partnership, wanted=wanted)
    messages.success(request, "You will get the news digest by e-mail." if wanted else "News digest turned off.")
    return redirect("improvement:news_list", partnership.slug)
