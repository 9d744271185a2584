from django.contrib import admin

from .models import (
    AllocationRun,
    Booking,
    CalendarFeed,
    Charge,
    Document,
    Event,
    Feedback,
    ImpactFollowUp,
    Programme,
    Session,
    Workshop,
)


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "programme", "capacity", "per_school_cap", "cost_per_place", "is_booking_open"]
    list_filter = ["kind", "programme__partnership", "is_booking_open"]
    search_fields = ["title"]
    inlines = [SessionInline]


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["person", "event", "school", "status", "created_at"]
    list_filter = ["status", "event__programme__partnership"]
    raw_id_fields = ["person", "event", "booked_by"]


@admin.register(Charge)
class ChargeAdmin(admin.ModelAdmin):
    list_display = ["booking", "school", "amount", "created_at", "voided_at"]
    raw_id_fields = ["booking"]


admin.site.register([Programme, Workshop, Feedback, ImpactFollowUp, Document, CalendarFeed, AllocationRun])
