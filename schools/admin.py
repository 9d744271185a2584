from django.contrib import admin

from .models import (
    Expertise,
    GoverningBody,
    ImportJob,
    PartnershipMembership,
    Person,
    PupilCount,
    School,
    Specialism,
)


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "urn", "phase", "type_of_establishment", "number_of_pupils"]
    search_fields = ["name", "=urn"]
    list_filter = ["phase"]
    raw_id_fields = ["governing_body"]


@admin.register(Specialism)
class SpecialismAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "abbreviation"]
    list_filter = ["kind"]


@admin.register(Expertise)
class ExpertiseAdmin(admin.ModelAdmin):
    list_display = ["specialism", "school", "person", "added_on"]
    raw_id_fields = ["school", "person"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = [
        "original_name",
        "uploaded_by",
        "la_scope",
        "status",
        "created",
        "updated",
        "left_alone",
        "error_count",
        "created_at",
    ]
    list_filter = ["status"]
    readonly_fields = ["errors"]


admin.site.register(PupilCount)
admin.site.register(PartnershipMembership)
admin.site.register(Person)
admin.site.register(GoverningBody)
