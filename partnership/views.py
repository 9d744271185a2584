from functools import partial

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from . import dashboard_cache
from .current import current_partnership, get_partnership
from .forms import AcceptInvitationForm, InvitationForm, TermForm
from .models import AuditEntry, Invitation, Term
from .once import once
from .permissions import can_invite, can_manage_partnership, has_role, require, roles_in
from .registry import registry
from .services import InvitationError, accept_invitation, invite_person, revoke_invitation


@login_required
def ping(request):
    """A trivial signed-in view: the ceiling the load benchmark compares pages against."""
    return HttpResponse("ok", content_type="text/plain")


def home(request):
    if not request.user.is_authenticated:
        return redirect("account_login")
    partnership = current_partnership(request)
    if partnership is None:
        return render(request, "partnership/no_partnership.html")
    return redirect(partnership)


@login_required
def dashboard(request):
    return home(request)


@login_required
def partnership_dashboard(request, partnership_slug):
    partnership = get_partnership(request, partnership_slug)

    def render_panel(panel):
        context = panel.context(request, partnership)
        return None if context is None else render_to_string(panel.template, context, request=request)

    # Each person's panels (and the current term) are kept briefly, until a change to the
    # portal's data: see dashboard_cache.
    parts = {f"panel:{panel.name}": partial(render_panel, panel) for panel in registry.dashboard_panels}
    parts["term"] = partial(Term.current_for, partnership)
    values = dashboard_cache.cached(request, partnership, parts)
    panels = [
        {"panel": panel, "html": mark_safe(values[f"panel:{panel.name}"])}
        for panel in registry.dashboard_panels
        if values[f"panel:{panel.name}"] is not None
    ]
    return render(
        request,
        "partnership/dashboard.html",
        {
            "partnership": partnership,
            "term": values["term"],
            "roles": roles_in(request.user, partnership),
            "panels": panels,
        },
    )


@login_required
def term_list(request, partnership_slug):
    partnership = get_partnership(request, partnership_slug)
    can_edit = can_manage_partnership(request.user, partnership)
    form = TermForm(partnership=partnership)
    if request.method == "POST":
        require(can_edit)
        form = TermForm(request.POST, partnership=partnership)
        if form.is_valid():
            form.save()
            messages.success(request, "Term added.")
            return redirect("term_list", partnership.slug)
    terms = Term.objects.for_partnership(partnership).order_by("-start")
    return render(
        request,
        "partnership/term_list.html",
        {"partnership": partnership, "terms": terms, "form": form, "can_edit": can_edit},
    )


def _school_choices(partnership):
    if registry.schools_in is None:
        return Invitation._meta.get_field("school").related_model.objects.none()
    return registry.schools_in(partnership)


@login_required
@once
def invitation_list(request, partnership_slug):
    partnership = get_partnership(request, partnership_slug)
    require(can_invite(request.user, partnership))
    form = InvitationForm(partnership=partnership, school_queryset=_school_choices(partnership))
    if request.method == "POST":
        form = InvitationForm(request.POST, partnership=partnership, school_queryset=_school_choices(partnership))
        if form.is_valid():
            invitation = invite_person(partnership=partnership, invited_by=request.user, **form.cleaned_data)
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("invitation_list", partnership.slug)
    invitations = Paginator(
        Invitation.objects.filter(partnership=partnership).select_related("school", "invited_by"), 50
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "partnership/invitation_list.html",
        {"partnership": partnership, "form": form, "invitations": invitations},
    )


@login_required
@require_POST
def invitation_revoke(request, partnership_slug, pk):
    partnership = get_partnership(request, partnership_slug)
    require(can_invite(request.user, partnership))
    invitation = get_object_or_404(Invitation, partnership=partnership, pk=pk)
    revoke_invitation(invitation=invitation, revoked_by=request.user)
    messages.success(request, f"Invitation for {invitation.email} revoked.")
    return redirect("invitation_list", partnership.slug)


def invitation_accept(request, token):
    invitation = Invitation.objects.select_related("partnership", "school").filter(token=token).first()
    if invitation is None or invitation.status != "Pending":
        return render(request, "partnership/invitation_invalid.html", status=404)
    context = {"invitation": invitation, "form": None}
    signed_in = request.user.is_authenticated
    if signed_in and request.user.email.lower() == invitation.email.lower():
        # The owner of the account, signed in as usual (two-factor included): they accept.
        if request.method == "POST":
            try:
                accept_invitation(token=token, password=None, user=request.user)
            except InvitationError as error:
                messages.error(request, str(error))
                return redirect("home")
            messages.success(request, f"You now have access to {invitation.partnership}.")
            return redirect(invitation.partnership)
        return render(request, "partnership/invitation_accept.html", context)
    if get_user_model().objects.filter(email__iexact=invitation.email).exists():
        # An existing account is never given a password or signed in by the link: whoever
        # holds it must sign in to that account first, and nothing is changed until then.
        context["existing_account"] = True
        context["sign_in_url"] = f"{reverse('account_login')}?{urlencode({'next': invitation.get_accept_url()})}"
        return render(request, "partnership/invitation_accept.html", context, status=403 if signed_in else 200)
    form = AcceptInvitationForm(request.POST or None, invitation=invitation)
    if request.method == "POST" and form.is_valid():
        try:
            user = accept_invitation(
                token=token,
                password=form.cleaned_data["password1"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
        except InvitationError as error:
            messages.error(request, str(error))
            return redirect("account_login")
        login(request, user, backend="partnership.backends.ModelBackend")
        messages.success(request, f"Welcome to {invitation.partnership}.")
        return redirect(invitation.partnership)
    context["form"] = form
    return render(request, "partnership/invitation_accept.html", context)


@login_required
def audit_log(request, partnership_slug):
    partnership = get_partnership(request, partnership_slug)
    require(has_role(request.user, partnership, "coordinator"))
    entries = Paginator(AuditEntry.objects.filter(partnership=partnership).select_related("actor"), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "partnership/audit_log.html", {"partnership": partnership, "entries": entries})
