from django.contrib import admin

from .models import PartnershipMembership, Person, PupilCount, School


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "urn", "phase", "type_of_establishment", "number_of_pupils"]
    search_fields = ["name", "urn"]
    list_filter = ["phase"]


admin.site.register(PupilCount)
admin.site.register(PartnershipMembership)
admin.site.register(Person)
