from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import (
    AuditEntry,
    Invitation,
    LocalAuthority,
    LocalAuthorityGrant,
    Partnership,
    RoleGrant,
    Term,
    TermlyReport,
    UnsentTask,
    User,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_demo"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Personal details", {"fields": ["first_name", "last_name"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "is_demo", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


admin.site.register(LocalAuthority)
admin.site.register(Partnership)


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["__str__", "start", "end", "partnership", "local_authority"]


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "partnership", "school", "via"]
    list_filter = ["role", "partnership"]
    raw_id_fields = ["user", "school"]
    readonly_fields = ["via"]


@admin.register(LocalAuthorityGrant)
class LocalAuthorityGrantAdmin(admin.ModelAdmin):
    """An LA officer for every partnership of a local authority, present and future."""

    list_display = ["user", "local_authority", "created_at"]
    list_filter = ["local_authority"]
    raw_id_fields = ["user"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "role", "partnership", "created_at", "accepted_at"]
    exclude = ["token"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "verb", "target_repr"]
    list_filter = ["verb"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TermlyReport)
class TermlyReportAdmin(admin.ModelAdmin):
    """Read-only: reports are made by the Celery job and changed only through it."""

    list_display = ["partnership", "term", "version", "status", "attempts", "created_at", "finished_at"]
    list_filter = ["status", "term__season", "term__academic_year"]
    list_select_related = ["partnership", "term"]
    exclude = ["html"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("html")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(UnsentTask)
class UnsentTaskAdmin(admin.ModelAdmin):
    """Messages the broker refused, waiting to be sent again (every minute, by beat)."""

    list_display = ["task_name", "args", "created_at", "attempts"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
